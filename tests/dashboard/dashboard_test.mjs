// `tryaudex dashboard` in a real browser: Debian's Chromium, headless,
// driven by puppeteer-core, checked by axe-core (both pinned in
// package-lock.json here). Run by tests/e2e/dashboard_moto_test.sh, which
// starts moto, makes sessions with real `tryaudex run`s, and exports
// AUDEX_HOME, AWS_* and AUDEX_E2E_* for this script.
//
//   node dashboard_test.mjs path/to/tryaudex SCREENSHOT_DIR
import puppeteer from "puppeteer-core";
import { spawn, execFileSync } from "node:child_process";
import { readFileSync, writeFileSync, mkdirSync, readdirSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import http from "node:http";
import { tap } from "./tap.mjs";

const BIN = process.argv[2];
const SHOTS = process.argv[3];
const HOME = process.env.AUDEX_HOME;
const ROLE = process.env.AUDEX_E2E_ROLE;
const MOTO = process.env.MOTO_URL;
const CHROMIUM = process.env.AUDEX_E2E_CHROMIUM || "/usr/bin/chromium";
mkdirSync(SHOTS, { recursive: true });

let server = null;  // the dashboard, once started
const { check, onCrash, finish } = tap(() => server && server.kill("SIGTERM"));

const tryaudex = (...args) => execFileSync(BIN, args, { encoding: "utf8", env: process.env });
const sessionIds = () => JSON.parse(tryaudex("sessions", "list", "--all", "--json")).map((s) => s.id);
const runSession = (allow) =>
  tryaudex("run", "--role-arn", ROLE, "--allow", allow, "--ttl", "15m", "--", "aws", "s3", "ls");
async function motoData() {
  return (await fetch(`${MOTO}/moto-api/data.json`)).json();
}

// Every body any client received from the dashboard, for the secret search.
const bodies = [];

// A request outside the browser, with full control of the headers.
function request(port, path, { method = "GET", headers = {} } = {}) {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: "127.0.0.1", port, path, method, headers }, (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (chunk) => (text += chunk));
      res.on("end", () => {
        bodies.push({ url: path, text });
        resolve({ status: res.statusCode, headers: res.headers, text });
      });
    });
    req.on("error", reject);
    req.end();
  });
}

// --- the dashboard starts and prints its one-time link -----------------------
const env = { ...process.env };
delete env.BROWSER;
server = spawn(BIN, ["dashboard", "--no-open"], { env, stdio: ["ignore", "pipe", "pipe"] });
// The e2e script stops it by this pid should this script be killed first.
if (process.env.AUDEX_E2E_PIDS) writeFileSync(process.env.AUDEX_E2E_PIDS, `${server.pid}\n`);
// A check that throws ends the run as a failure, never leaving the
// dashboard (or the browser, a child of this process) behind.
process.on("uncaughtException", onCrash);
let serverOut = "";
let serverErr = "";
server.stderr.on("data", (d) => (serverErr += d));
const url = await new Promise((resolve) => {
  const timer = setTimeout(() => resolve(null), 15000);
  server.stdout.on("data", (d) => {
    serverOut += d;
    const found = serverOut.match(/http:\/\/127\.0\.0\.1:(\d+)\/login\?token=([0-9a-f]+)/);
    if (found) {
      clearTimeout(timer);
      resolve(found[0]);
    }
  });
});
check("dashboard prints a loopback URL with a one-time token", url !== null, serverOut + serverErr);
if (url === null) {
  server.kill();
  process.exit(1);
}
const { port } = new URL(url);
const origin = `http://127.0.0.1:${port}`;
const token = new URL(url).searchParams.get("token");
check("the token has 256 bits", /^[0-9a-f]{64}$/.test(token), token.length);

// --- without the token nothing is served -------------------------------------
let r = await request(port, "/api/v1/sessions", { headers: { Host: `127.0.0.1:${port}` } });
check("the API refuses a request without a session (401)", r.status === 401, r.status);
r = await request(port, "/", { headers: { Host: `127.0.0.1:${port}` } });
check("the page refuses a browser without a session (401)", r.status === 401, r.status);
r = await request(port, "/login?token=" + "0".repeat(64), { headers: { Host: `127.0.0.1:${port}` } });
check("a wrong token is refused (403)", r.status === 403, r.status);
r = await request(port, "/login?token=" + token, { headers: { Host: `evil.example:${port}` } });
check("another Host (DNS rebinding) is refused before the token is looked at", r.status === 421, r.status);

// --- the browser logs in with the link ---------------------------------------
const browser = await puppeteer.launch({
  executablePath: CHROMIUM,
  headless: true,
  args: ["--no-sandbox", "--disable-gpu", "--no-first-run"],
});
const pending = [];
const consoleErrors = [];
function watch(page, { errors = true } = {}) {
  page.on("response", (response) => {
    if (!response.url().startsWith(origin)) return;
    pending.push(
      response
        .text()
        .then((text) => bodies.push({ url: response.url(), text, headers: response.headers() }))
        .catch(() => {}),
    );
  });
  if (!errors) return;
  page.on("console", (m) => {
    if (m.type() === "error") consoleErrors.push(m.text());
  });
  page.on("pageerror", (e) => consoleErrors.push(String(e)));
}
const page = await browser.newPage();
watch(page);
await page.setViewport({ width: 1280, height: 900 });
const first = await page.goto(url, { waitUntil: "networkidle0" });
check("the link lands on the dashboard", new URL(page.url()).pathname === "/" && first.ok(), page.url());
const cookies = await page.cookies();
const cookie = cookies.find((c) => c.name === "audex_dashboard");
check("the session cookie is HttpOnly and SameSite=Strict",
  cookie && cookie.httpOnly && cookie.sameSite === "Strict", JSON.stringify(cookie));
const csp = first.headers()["content-security-policy"] || "";
check("the page has a strict Content-Security-Policy",
  csp.includes("default-src 'none'") && csp.includes("script-src 'self'") && !csp.includes("unsafe"), csp);
const inlineRan = await page.evaluate(() => {
  const script = document.createElement("script");
  script.textContent = "window.__inline = 1";
  document.body.append(script);
  return window.__inline === 1;
});
check("the CSP stops an injected inline script", !inlineRan);
// That refusal is the one console error the page may have.
const cspRefusals = consoleErrors.splice(0).filter((e) => /Content Security Policy/.test(e));
check("the browser reported the refused inline script", cspRefusals.length === 1, cspRefusals.length);

// The link is used up: a second browser (no cookie) and a plain client fail.
const other = await browser.createBrowserContext();
const otherPage = await other.newPage();
watch(otherPage, { errors: false });  // its 403 and 401 are the point
const second = await otherPage.goto(url);
check("the link works once: the second use is refused (403)", second.status() === 403, second.status());
const secondApi = await otherPage.goto(`${origin}/api/v1/sessions`);
check("the second browser gets no data (401)", secondApi.status() === 401, secondApi.status());
await other.close();
r = await request(port, "/login?token=" + token, { headers: { Host: `127.0.0.1:${port}` } });
check("the used token is refused to any client", r.status === 403, r.status);
const cookieHeader = { Host: `127.0.0.1:${port}`, Cookie: `audex_dashboard=${cookie.value}` };
r = await request(port, "/api/v1/sessions", { method: "POST", headers: cookieHeader });
check("a state-changing method is refused (405, read-only)", r.status === 405, r.status);

// --- sessions: the list is what `sessions list` has --------------------------
await page.waitForSelector("#sessions-table tbody tr");
const shownIds = await page.$$eval("#sessions-table tbody tr", (rows) => rows.map((row) => row.dataset.sessionId));
const knownIds = sessionIds();
check("the session list shows every session, newest first", JSON.stringify(shownIds) === JSON.stringify(knownIds),
  `${shownIds} vs ${knownIds}`);
await page.screenshot({ path: join(SHOTS, "sessions.png"), fullPage: true });
const rowCount = (n) =>
  page.waitForFunction((want) => document.querySelectorAll("#sessions-table tbody tr").length === want,
    { timeout: 10000 }, n).then(() => true, () => false);
await page.select("#filter-provider", "gcp");
const noneForGcp = await rowCount(0);
await page.select("#filter-provider", "aws");
const allForAws = await rowCount(knownIds.length);
await page.select("#filter-provider", "");
check("the provider filter narrows the list (gcp: none, aws: all)", noneForGcp && allForAws);

// --- a new session appears without a reload ----------------------------------
await page.evaluate(() => { window.__sameDocument = true; });
runSession("s3:ListAllMyBuckets");
const newId = sessionIds().find((id) => !knownIds.includes(id));
let appeared = false;
try {
  await page.waitForSelector(`#sessions-table tr[data-session-id="${newId}"]`, { timeout: 15000 });
  appeared = true;
} catch {}
const sameDocument = await page.evaluate(() => window.__sameDocument === true);
check("a new session appears live, without reloading", newId && appeared && sameDocument, newId);

// --- a session's policy is exactly what moto received ------------------------
// Keyboard only: focus the session's link and press Enter.
const target = knownIds[knownIds.length - 1];
await page.focus(`#sessions-table tr[data-session-id="${target}"] a`);
await page.keyboard.press("Enter");
await page.waitForSelector("#policy-document");
const shownPolicy = await page.$eval("#policy-document", (e) => e.textContent);
const record = JSON.parse(tryaudex("sessions", "show", target, "--json"));
const assumed = ((await motoData()).sts || {}).AssumedRole || [];
const sent = assumed.filter((a) => a.access_key_id === record.access_key_id).map((a) => a.policy);
check("the session page shows the policy document moto received", sent.length === 1 && shownPolicy === sent[0],
  `${shownPolicy} vs ${sent}`);
const timeline = await page.$$eval("#session-timeline li strong", (items) => items.map((i) => i.textContent));
check("the timeline lists the session's events in order",
  timeline[0] === "session_created" && timeline.includes("session_ended"), timeline.join(","));
const exitShown = await page.$eval("#session-exit", (e) => e.textContent.trim());
check("the session page shows the child's exit status", exitShown === String(record.exit_code), exitShown);
await page.screenshot({ path: join(SHOTS, "session.png"), fullPage: true });

// --- the explorer counts what `policies expand` counts -----------------------
await page.goto(`${origin}/#/explorer`, { waitUntil: "networkidle0" });
await page.type("#explore-allow", "s3:Get*");
await page.waitForSelector('details[data-pattern="s3:Get*"] .count', { timeout: 10000 });
const explorerCount = Number(await page.$eval('details[data-pattern="s3:Get*"] .count', (e) => e.textContent));
const expanded = JSON.parse(tryaudex("policies", "expand", "s3:Get*", "--json"));
check("the explorer's count for s3:Get* equals `policies expand`", explorerCount === expanded[0].count && explorerCount > 0,
  `${explorerCount} vs ${expanded[0].count}`);
const plan = JSON.parse(tryaudex("run", "--dry-run", "--json", "--allow", "s3:Get*", "--", "true"));
const explorerPolicy = JSON.parse(await page.$eval("#explore-policy", (e) => e.textContent));
const explorerSize = Number((await page.$eval("#explore-size", (e) => e.textContent)).replace(/,/g, ""));
check("the explorer's document and size are the dry run's",
  JSON.stringify(explorerPolicy) === JSON.stringify(plan.policy) && explorerSize === plan.policy_size,
  `${explorerSize} vs ${plan.policy_size}`);
await page.screenshot({ path: join(SHOTS, "explorer.png"), fullPage: true });

// --- the audit view: intact, then tampered -----------------------------------
await page.goto(`${origin}/#/audit`, { waitUntil: "networkidle0" });
await page.waitForSelector("#audit-status");
const intact = await page.$eval("#audit-status", (e) => ({ cls: e.className, text: e.textContent }));
check("the audit view says the chain is intact", intact.cls.includes("ok") && /intact/.test(intact.text), intact.text);
const exported = await page.evaluate(async () => (await fetch("/api/v1/audit/export?format=jsonl")).text());
check("the JSONL export is the log itself", exported === readFileSync(join(HOME, "audit.jsonl"), "utf8"));
const csv = await page.evaluate(async () => (await fetch("/api/v1/audit/export?format=csv")).text());
const logLines = exported.split("\n").filter(Boolean).length;
check("the CSV export has a header and a row per event", csv.split("\r\n").filter(Boolean).length === logLines + 1,
  `${csv.split("\r\n").length} rows for ${logLines} lines`);
await page.screenshot({ path: join(SHOTS, "audit.png"), fullPage: true });

const require = createRequire(import.meta.url);
const axeSource = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");
// --- comparing two profiles: the sets `run --dry-run` and `policies expand` make
const profileActions = (name) => {
  const planned = JSON.parse(tryaudex("run", "--dry-run", "--json", "--role-arn", ROLE, "--profile", name, "--", "true"));
  const actions = new Set();
  for (const { action } of planned.actions) {
    if (/[*?]/.test(action)) JSON.parse(tryaudex("policies", "expand", action, "--json"))[0].actions.forEach((a) => actions.add(a.action));
    else actions.add(action);
  }
  return { actions, size: planned.policy_size };
};
await page.goto(`${origin}/#/explorer`, { waitUntil: "networkidle0" });
await page.waitForSelector("#compare-a option[value='s3-readwrite']");
await page.select("#compare-a", "s3-readonly");
await page.select("#compare-b", "s3-readwrite");
await page.waitForSelector("#compare-only-b-count");
const shownCounts = await page.evaluate(() => ["compare-only-a", "compare-both", "compare-only-b"].map((id) => Number(document.getElementById(`${id}-count`).textContent)));
const ro = profileActions("s3-readonly");
const rw = profileActions("s3-readwrite");
const expectCounts = [[...ro.actions].filter((x) => !rw.actions.has(x)).length, [...ro.actions].filter((x) => rw.actions.has(x)).length,
  [...rw.actions].filter((x) => !ro.actions.has(x)).length];
check("comparing s3-readonly with s3-readwrite: only-A, both, only-B counts equal the dry runs expanded by `policies expand`",
  JSON.stringify(shownCounts) === JSON.stringify(expectCounts) && expectCounts[2] > 0, `${shownCounts} vs ${expectCounts}`);
const sizes = await page.$eval("#compare-sizes", (e) => e.textContent);
check("the comparison shows both documents' sizes as the dry runs have them",
  sizes.includes(ro.size.toLocaleString("en")) && sizes.includes(rw.size.toLocaleString("en")), `${sizes} vs ${ro.size}, ${rw.size}`);

// --- a drift report (tryaudex drift --json on moto's role) loaded from a file
let driftJson = "";
try {
  driftJson = execFileSync(BIN, ["drift", "--role-arn", ROLE, "--expected-policy", "s3-readonly", "--json"], { encoding: "utf8", env: process.env });
} catch (e) {
  driftJson = e.stdout;  // exit 1: drift found, the report is on stdout
}
const driftPath = join(SHOTS, "..", "drift-report.json");
writeFileSync(driftPath, driftJson);
const drift = JSON.parse(driftJson);
const chooser = await page.$("#drift-file");
await chooser.uploadFile(driftPath);
await page.waitForSelector("#drift-verdict");
const driftShown = await page.evaluate(() => ({
  additional: [...document.querySelectorAll("#drift-additional li code")].map((e) => e.textContent),
  missing: [...document.querySelectorAll("#drift-missing li code")].map((e) => e.textContent),
  verdict: document.getElementById("drift-verdict").textContent,
}));
check("the drift report's two columns are the report's additional and missing actions",
  drift.additional.length > 0 && JSON.stringify(driftShown.additional) === JSON.stringify(drift.additional.map((e) => e.action)) &&
  JSON.stringify(driftShown.missing) === JSON.stringify(drift.missing.map((e) => e.action)) && /^Drift/.test(driftShown.verdict),
  `${driftShown.additional.length} vs ${drift.additional.length}; ${driftShown.verdict}`);
await page.screenshot({ path: join(SHOTS, "explorer-compare-drift.png"), fullPage: true });
await page.evaluate(axeSource);
const compareAxe = await page.evaluate(() => axe.run(document, { resultTypes: ["violations"] }));
const compareSerious = compareAxe.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
check("axe-core finds no serious violation with a comparison and a drift report shown", compareSerious.length === 0,
  compareSerious.map((v) => `${v.id}: ${v.nodes.length}`).join("; "));
await page.setViewport({ width: 640, height: 450 });
const compareOverflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
check("the comparison and drift report are readable at 200 % zoom", compareOverflow <= 0, `${compareOverflow}px too wide`);
await page.setViewport({ width: 1280, height: 900 });

// --- the activity view counts what `sessions list` has ---------------------
await page.goto(`${origin}/#/activity`, { waitUntil: "networkidle0" });
await page.waitForSelector("#activity-by-day tbody tr");
const perDay = await page.$$eval("#activity-by-day tbody tr", (rows) => rows.map((row) => Number(row.children[3].textContent)));
const listed = JSON.parse(tryaudex("sessions", "list", "--all", "--json"));
check("the activity's sessions per day add up to `sessions list`", perDay.reduce((a, b) => a + b, 0) === listed.length,
  `${perDay} vs ${listed.length}`);
const drawn = await page.evaluate(() => Chart.getChart("chart-by-day").data.datasets.reduce((sum, d) => sum + d.data.reduce((a, b) => a + b, 0), 0));
check("the activity chart draws every session", drawn === listed.length, `${drawn} vs ${listed.length}`);
await page.screenshot({ path: join(SHOTS, "activity.png"), fullPage: true });

// --- accessibility and 200 % zoom on every view -----------------------------
for (const view of ["#/sessions", `#/sessions/${target}`, "#/audit", "#/explorer", "#/activity"]) {
  await page.goto(`${origin}/${view}`, { waitUntil: "networkidle0" });
  if (view === "#/explorer") {
    await page.type("#explore-allow", "s3:Get*");
    await page.waitForSelector("#explore-policy");
  }
  // Evaluated over the DevTools protocol, which the page's CSP does not
  // govern: the page itself still allows no injected script.
  await page.evaluate(axeSource);
  const results = await page.evaluate(() => axe.run(document, { resultTypes: ["violations"] }));
  const serious = results.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  check(`axe-core finds no serious violation on ${view}`, serious.length === 0,
    serious.map((v) => `${v.id}: ${v.nodes.length}`).join("; "));
  // 200 % zoom is half the CSS width: the page must not need sideways
  // scrolling (wide tables scroll inside their own box).
  await page.setViewport({ width: 640, height: 450 });
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  check(`${view} is readable at 200 % zoom (no sideways scrolling)`, overflow <= 0, `${overflow}px too wide`);
  if (view === "#/sessions") await page.screenshot({ path: join(SHOTS, "sessions-200pct.png"), fullPage: true });
  await page.setViewport({ width: 1280, height: 900 });
}

// Keyboard: from the top, Tab reaches the skip link and then the views.
await page.goto(`${origin}/#/sessions`, { waitUntil: "networkidle0" });
await page.reload({ waitUntil: "networkidle0" });
await page.keyboard.press("Tab");
const firstFocus = await page.evaluate(() => document.activeElement.textContent);
await page.keyboard.press("Tab");
await page.keyboard.press("Tab");
await page.keyboard.press("Enter");
await page.waitForSelector("#audit-status");
check("the keyboard reaches the skip link, then the views", /Skip/.test(firstFocus) && page.url().endsWith("#/audit"),
  `${firstFocus} ${page.url()}`);

// Tamper with one recorded event, then look again.
const logPath = join(HOME, "audit.jsonl");
const lines = readFileSync(logPath, "utf8").split("\n");
lines[1] = lines[1].replace('"session_id":"', '"session_id":"x');
writeFileSync(logPath, lines.join("\n"));
await page.reload({ waitUntil: "networkidle0" });
await page.waitForSelector("#audit-status");
const broken = await page.$eval("#audit-status", (e) => ({ cls: e.className, text: e.textContent }));
check("the audit view flags the tampered log", broken.cls.includes("bad") && /line 2/.test(broken.text), broken.text);
await page.screenshot({ path: join(SHOTS, "audit-tampered.png"), fullPage: true });

check("no script error on any page", consoleErrors.length === 0, consoleErrors.join(" | "));

// Bounded: a body the browser no longer holds never arrives.
const within = (promise, ms) => Promise.race([promise, new Promise((resolve) => setTimeout(resolve, ms))]);
await within(Promise.all(pending), 5000);
await within(browser.close(), 10000);
server.kill("SIGTERM");
const exitCode = await new Promise((resolve) => server.on("exit", (code) => resolve(code)));
if (process.env.AUDEX_E2E_PIDS) writeFileSync(process.env.AUDEX_E2E_PIDS, "");
check("SIGTERM stops the dashboard with exit 0", exitCode === 0, `${exitCode} ${serverErr}`);

// --- no secret in any response -----------------------------------------------
const secrets = [
  ["the base secret key", process.env.AWS_SECRET_ACCESS_KEY],
  ["the login token", token],
  ["the session cookie", cookie.value],
  ["the audit key", readFileSync(join(HOME, "audit.key")).toString("hex")],
  ["the audit key's bytes", readFileSync(join(HOME, "audit.key")).toString("latin1")],
];
// Every secret key and session token moto issued.
const walk = (value) => {
  if (Array.isArray(value)) return value.forEach(walk);
  if (value && typeof value === "object") {
    for (const [name, inner] of Object.entries(value)) {
      if (/secret|session_token/i.test(name) && typeof inner === "string" && inner.length >= 16) {
        secrets.push([`moto's ${name}`, inner]);
      }
      walk(inner);
    }
  }
};
walk(await motoData());
check("moto's issued secrets are known to the search", secrets.length > 6, secrets.length);
const leaks = [];
for (const body of bodies) {
  for (const [name, secret] of secrets) {
    if (secret && body.text.includes(secret)) leaks.push(`${name} in ${body.url}`);
  }
  if (/SecretAccessKey|SessionToken|aws_secret_access_key/.test(body.text)) leaks.push(`a credential field in ${body.url}`);
}
check(`no secret in any of the ${bodies.length} responses`, leaks.length === 0 && bodies.length > 20, leaks.join("; "));
check("screenshots saved", readdirSync(SHOTS).filter((f) => f.endsWith(".png")).length >= 6, SHOTS);

finish();
