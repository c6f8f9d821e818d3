// `tryaudex mcp` driven by the official MCP client SDK as a real client
// (plus raw JSON-RPC lines for what an SDK never sends). Run by
// tests/e2e/mcp_moto_test.sh, which starts moto, creates the user and role,
// and exports AUDEX_HOME, AWS_* and AUDEX_E2E_* for this script.
//
//   node mcp_client_test.mjs path/to/tryaudex
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { spawn, execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { tap } from "./tap.mjs";

const BIN = process.argv[2];
const HOME = process.env.AUDEX_HOME;
const TMP = process.env.AUDEX_E2E_TMP;
const ROLE = process.env.AUDEX_E2E_ROLE;
const CLIENT_NAME = "audex-e2e-client";

const { check, finish } = tap();

function writeConfig(extra) {
  writeFileSync(
    join(HOME, "config.toml"),
    `role_arn = "${ROLE}"\nregion = "us-east-1"\n` +
      `mcp_allowed_commands = ["aws", "sh", "/bin/echo"]\nmcp_max_ttl = "30m"\n${extra}`,
  );
}
writeFileSync(join(HOME, "deny-list.toml"), '[deny]\nactions = ["iam:*"]\n');
writeConfig("");

// --- a real client over stdio ------------------------------------------------
// Everything the client receives, to show no secret ever reaches it.
const received = [];
const transport = new StdioClientTransport({
  command: BIN,
  args: ["mcp"],
  env: { ...process.env },
  stderr: "pipe",
});
let serverStderr = "";
transport.stderr.on("data", (chunk) => (serverStderr += chunk.toString()));
const client = new Client({ name: CLIENT_NAME, version: "1.0.0" });
await client.connect(transport);
const deliver = transport.onmessage;
transport.onmessage = (message) => {
  received.push(JSON.stringify(message));
  deliver(message);
};

check("initialize: server calls itself audex", client.getServerVersion()?.name === "audex");
check("initialize: tools capability", client.getServerCapabilities()?.tools !== undefined);

const { tools } = await client.listTools();
const names = tools.map((t) => t.name).sort();
check(
  "tools/list: audex_learn, audex_policies, audex_run, audex_sessions",
  JSON.stringify(names) ===
    JSON.stringify(["audex_learn", "audex_policies", "audex_run", "audex_sessions"]),
  JSON.stringify(names),
);
check(
  "every tool has an object input schema",
  tools.every((t) => t.inputSchema?.type === "object" && t.description),
);
const runTool = tools.find((t) => t.name === "audex_run");
check(
  "audex_run's schema requires command",
  JSON.stringify(runTool?.inputSchema?.required) === '["command"]',
);

const run = (args) => client.callTool({ name: "audex_run", arguments: args });

// --- running commands against moto -------------------------------------------
let result = await run({
  allow: "s3:ListAllMyBuckets,iam:CreateUser",
  command: ["aws", "s3api", "list-buckets"],
  ttl: "15m",
});
let out = result.structuredContent ?? {};
check("aws child lists buckets in moto: exit 0", result.isError === false && out.exit_code === 0,
  JSON.stringify(result).slice(0, 600));
check("result carries a session id", /^[0-9a-z]{16}$/.test(out.session_id ?? ""));
check("stdout comes back", (out.stdout ?? "").includes("Buckets"), out.stdout);
check("the deny list removed iam:CreateUser",
  Array.isArray(out.actions) && out.actions.includes("s3:ListAllMyBuckets") &&
    !out.actions.includes("iam:CreateUser"), JSON.stringify(out.actions));
const firstSession = out.session_id;

// --- audex_learn: the calls the command made, observed in real time ---------
result = await client.callTool({
  name: "audex_learn",
  arguments: { command: ["aws", "s3api", "list-buckets"], ttl: "15m" },
});
out = result.structuredContent ?? {};
check("audex_learn observes the child's call and recommends it",
  result.isError === false && out.allow === "s3:ListAllMyBuckets" && out.exit_code === 0,
  JSON.stringify(result).slice(0, 800));
check("audex_learn returns the command's output apart from the protocol",
  (out.stdout ?? "").includes("Buckets"), out.stdout);
result = await client.callTool({
  name: "audex_learn",
  arguments: { command: ["true"], allow: "s3:ListAllMyBuckets" },
});
check("audex_learn of a program outside mcp_allowed_commands is refused, naming the rule",
  result.isError === true && result.structuredContent?.rule === "mcp_allowed_commands",
  JSON.stringify(result).slice(0, 400));

const envFile = join(TMP, "child.env");
result = await run({
  allow: "s3:ListAllMyBuckets",
  command: ["sh", "-c", `env > '${envFile}'; env; echo to-stderr >&2`],
});
out = result.structuredContent ?? {};
const childEnv = Object.fromEntries(
  readFileSync(envFile, "utf8").split("\n").filter((l) => l.includes("="))
    .map((l) => [l.slice(0, l.indexOf("=")), l.slice(l.indexOf("=") + 1)]),
);
const sessionSecret = childEnv.AWS_SECRET_ACCESS_KEY ?? "";
const sessionToken = childEnv.AWS_SESSION_TOKEN ?? "";
check("the child got session credentials", sessionSecret.length > 10 && sessionToken.length > 10);
check("printed credentials come back masked",
  (out.stdout ?? "").includes("AWS_SECRET_ACCESS_KEY=****") &&
    (out.stdout ?? "").includes("AWS_SESSION_TOKEN=****"), (out.stdout ?? "").slice(0, 300));
check("stderr comes back apart from stdout", out.stderr === "to-stderr\n", out.stderr);

result = await run({ allow: "s3:GetObject", command: ["sh", "-c", "echo hi; echo oops >&2; exit 3"] });
out = result.structuredContent ?? {};
check("a failing command: isError, exit code 3 passed through",
  result.isError === true && out.exit_code === 3 && out.stdout === "hi\n" && out.stderr === "oops\n",
  JSON.stringify(out));

result = await run({ allow: "s3:GetObject", command: ["sh", "-c", "kill -TERM $$"] });
out = result.structuredContent ?? {};
check("death by SIGTERM: exit code 143 and signal 15", out.exit_code === 143 && out.signal === 15,
  JSON.stringify(out));

result = await run({
  allow: "s3:GetObject",
  command: ["sh", "-c", "head -c 200000 /dev/zero | tr '\\0' x"],
});
out = result.structuredContent ?? {};
check("large stdout is cut at 64 KiB and says so",
  out.stdout?.length === 65536 && out.stdout_truncated === true && out.stdout_bytes === 200000 &&
    result.content?.[0]?.text?.includes("[stdout truncated: 65536 of 200000 bytes shown]"),
  JSON.stringify({ len: out.stdout?.length, t: out.stdout_truncated, b: out.stdout_bytes }));

result = await run({ allow: "s3:GetObject", command: ["sh", "-c", "cat; echo after-cat"] });
out = result.structuredContent ?? {};
check("the child's stdin is /dev/null, not the protocol stream", out.stdout === "after-cat\n",
  JSON.stringify(out));
check("the protocol still works after the child (ping)",
  JSON.stringify(await client.ping()) === "{}");

result = await run({ allow: "s3:GetObject", command: ["/bin/echo", "by", "path"] });
check("an absolute path listed in mcp_allowed_commands runs",
  result.structuredContent?.stdout === "by path\n", JSON.stringify(result.structuredContent));

// --- guard rails ----------------------------------------------------------------
const refusal = (r) => (r.isError === true ? r.structuredContent?.rule : undefined);
result = await run({ allow: "s3:GetObject", command: ["curl", "http://example.com"] });
check("a program not in mcp_allowed_commands is refused, naming the rule",
  refusal(result) === "mcp_allowed_commands" &&
    result.content[0].text.includes("mcp_allowed_commands") &&
    result.content[0].text.includes("config.toml"), result.content?.[0]?.text);
result = await run({ allow: "s3:GetObject", command: ["/tmp/elsewhere/aws", "s3", "ls"] });
check("a path ending in an allowed name is refused", refusal(result) === "mcp_allowed_commands");
result = await run({ allow: "s3:GetObject", command: ["aws", "s3", "ls"], ttl: "2h" });
check("a ttl above mcp_max_ttl is refused", refusal(result) === "mcp_max_ttl" &&
  result.content[0].text.includes("30m"), result.content?.[0]?.text);
result = await run({ allow: "iam:CreateUser", command: ["aws", "iam", "list-users"] });
check("a request only for denied actions fails with the deny list named",
  result.isError === true && /deny/i.test(result.content?.[0]?.text ?? ""),
  result.content?.[0]?.text);

result = await run({
  allow: "s3:ListAllMyBuckets", command: ["aws", "s3api", "list-buckets"],
  role_arn: "arn:aws:iam::123456789012:role/OtherRole",
});
check("a role_arn other than the configured one is refused",
  refusal(result) === "mcp_allowed_roles" && result.content[0].text.includes("OtherRole"),
  result.content?.[0]?.text);
result = await run({ allow: "s3:ListAllMyBuckets", command: ["aws", "s3api", "list-buckets"], role_arn: ROLE });
check("naming the configured role runs", result.isError === false, JSON.stringify(result.structuredContent)?.slice(0, 300));

writeConfig('mcp_allowed_profiles = ["s3-readonly"]\n');
result = await run({ allow: "s3:GetObject", command: ["aws", "s3", "ls"] });
check("with mcp_allowed_profiles an allow list is refused",
  refusal(result) === "mcp_allowed_profiles", result.content?.[0]?.text);
result = await run({ profile: "s3-readwrite", command: ["aws", "s3", "ls"] });
check("a profile not in mcp_allowed_profiles is refused",
  refusal(result) === "mcp_allowed_profiles" && result.content[0].text.includes("s3-readwrite"));
result = await run({ profile: "s3-readonly", command: ["aws", "s3api", "list-buckets"] });
check("an allowed profile runs", result.isError === false && result.structuredContent?.exit_code === 0,
  JSON.stringify(result.structuredContent)?.slice(0, 400));
writeConfig("");

// --- sessions and policies -------------------------------------------------------
result = await client.callTool({ name: "audex_sessions", arguments: {} });
const sessions = result.structuredContent?.sessions ?? [];
check("audex_sessions lists the sessions, newest first, with status",
  sessions.length >= 7 && sessions.every((s) => typeof s.state === "string") &&
    sessions.some((s) => s.id === firstSession));
check("every session carries the client's name as agent_id",
  sessions.length > 0 && sessions.every((s) => s.agent_id === CLIENT_NAME),
  JSON.stringify(sessions.map((s) => s.agent_id)));
result = await client.callTool({ name: "audex_sessions", arguments: { id: firstSession } });
check("audex_sessions shows one session by id",
  result.structuredContent?.session?.id === firstSession &&
    result.structuredContent.session.exit_code === 0);

result = await client.callTool({ name: "audex_policies", arguments: { action: "list" } });
check("audex_policies list has the built-in profiles",
  (result.structuredContent?.items ?? []).some((p) => p.name === "s3-readonly"));
result = await client.callTool({
  name: "audex_policies",
  arguments: { action: "check", allow: "s3:GetObject,iam:PassRole" },
});
const plan = result.structuredContent ?? {};
check("audex_policies check plans like run: granted, denied, policy",
  plan.actions?.some((a) => a.action === "s3:GetObject") &&
    plan.denied?.some((d) => d.action === "iam:PassRole") && plan.policy?.Statement !== undefined,
  JSON.stringify(plan).slice(0, 400));
result = await client.callTool({ name: "audex_policies", arguments: { action: "expand", patterns: ["s3:GetObjectT*"] } });
check("audex_policies expand lists actions",
  (result.structuredContent?.items?.[0]?.actions ?? []).some((a) => a.action === "s3:GetObjectTagging"));
result = await client.callTool({ name: "audex_policies", arguments: { action: "show", name: "no-such-profile" } });
check("an unknown profile is a tool error, not a protocol error", result.isError === true);

// Arguments that do not fit the schema: a tool error from 2025-11-25 (the
// version this SDK asks for), a -32602 error before.
let invalid;
try {
  invalid = await run({ command: "aws s3 ls", allow: "s3:GetObject" });
} catch (error) {
  invalid = { thrown: error };
}
check("arguments that break the schema are refused with the reason",
  (invalid.isError === true && invalid.content[0].text.includes("non-empty array")) ||
    (invalid.thrown?.code === -32602 && String(invalid.thrown.message).includes("non-empty array")),
  JSON.stringify(invalid));
let unknownTool;
try {
  unknownTool = await client.callTool({ name: "audex_nope", arguments: {} });
} catch (error) {
  unknownTool = { thrown: error };
}
check("an unknown tool is a -32602 protocol error",
  unknownTool.thrown?.code === -32602 && String(unknownTool.thrown.message).includes("audex_run"));

await client.close();

// --- secrets ------------------------------------------------------------------------
const everything = received.join("\n");
check("the client received many messages", received.length >= 20, String(received.length));
check("the issued secret key never reached the client",
  sessionSecret.length > 0 && !everything.includes(sessionSecret));
check("the issued session token never reached the client",
  sessionToken.length > 0 && !everything.includes(sessionToken));
check("neither is in the server's stderr",
  !serverStderr.includes(sessionSecret) && !serverStderr.includes(sessionToken));
check("the base secret never reached the client",
  !everything.includes(process.env.AWS_SECRET_ACCESS_KEY));
check("the server logged to stderr", serverStderr.includes(`client "${CLIENT_NAME}" connected`));

// --- the audit log -------------------------------------------------------------------
const audit = JSON.parse(execFileSync(BIN, ["audit", "show", "--json"], { env: process.env }));
const events = Array.isArray(audit) ? audit : [];
const refused = events.filter((e) => e.event === "mcp_call_refused");
check("each refusal is in the audit log with agent_id and rule",
  refused.length === 7 && refused.every((e) => e.fields.agent_id === CLIENT_NAME) &&
    new Set(refused.map((e) => e.fields.rule)).size === 4,
  JSON.stringify(refused.map((e) => [e.fields.agent_id, e.fields.rule])));
const created = events.filter((e) => e.event === "session_created");
check("each session_created carries agent_id",
  created.length >= 7 && created.every((e) => e.fields.agent_id === CLIENT_NAME));
check("read-only calls are audited too",
  events.some((e) => e.event === "mcp_tool_called" && e.fields.tool === "audex_policies" &&
    e.fields.agent_id === CLIENT_NAME));
const verify = execFileSync(BIN, ["audit", "verify"], { env: process.env }).toString();
check("audit verify: chain intact", verify.includes("chain intact"), verify);
check("the audit log holds no issued secret",
  !readFileSync(join(HOME, "audit.jsonl"), "utf8").includes(sessionSecret));

// --- raw JSON-RPC, as no SDK would send it ------------------------------------------
// Sends each line, waits for the replies it expects, returns every stdout line.
async function raw(lines, expectReplies) {
  const server = spawn(BIN, ["mcp"], { env: process.env, stdio: ["pipe", "pipe", "pipe"] });
  let stdout = "";
  server.stdout.on("data", (chunk) => (stdout += chunk.toString()));
  server.stderr.on("data", () => {});
  for (const line of lines) server.stdin.write(line + "\n");
  const deadline = Date.now() + 10000;
  while (stdout.split("\n").filter(Boolean).length < expectReplies && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 20));
  }
  server.stdin.end();
  const code = await new Promise((r) => server.on("close", r));
  return { replies: stdout.split("\n").filter(Boolean), code };
}
const init = (version, id = 1) => JSON.stringify({
  jsonrpc: "2.0", id, method: "initialize",
  params: { protocolVersion: version, capabilities: {}, clientInfo: { name: "raw", version: "0" } },
});
const parsed = (line) => { try { return JSON.parse(line); } catch { return { unparsable: line }; } };

let session = await raw([
  '{"jsonrpc":"2.0","id":1,"method":"tools/list"}',
  "this is not json",
  '{"jsonrpc":"2.0","id":2,"method":"initialize","params":{}}',
  init("2025-06-18", 3),
  '{"jsonrpc":"2.0","method":"notifications/initialized"}',
  '{"jsonrpc":"2.0","id":4,"method":"no/such/method"}',
  '{"jsonrpc":"2.0","id":5,"method":"tools/call"}',
  '{"jsonrpc":"2.0","id":6,"method":"tools/call","params":{"name":"audex_run","arguments":{"command":[]}}}',
  '[{"jsonrpc":"2.0","id":7,"method":"ping"}]',
  '{"jsonrpc":"1.0","id":8,"method":"ping"}',
  '{"jsonrpc":"2.0","id":9,"method":"ping"}',
  '{"jsonrpc":"2.0","id":{"bad":1},"method":"ping"}',
  '{"jsonrpc":"2.0","id":10,"result":{}}',
  init("2025-06-18", 11),
], 12);
let replies = session.replies.map(parsed);
const byId = (id) => replies.find((r) => JSON.stringify(r.id) === JSON.stringify(id));
check("raw: stdout carries only JSON-RPC messages",
  replies.every((r) => r.jsonrpc === "2.0"), session.replies.join("\n").slice(0, 500));
check("raw: a request before initialize is refused (-32600)", byId(1)?.error?.code === -32600);
check("raw: text that is not JSON gets -32700 with id null",
  replies.some((r) => r.id === null && r.error?.code === -32700));
check("raw: initialize without protocolVersion is -32602", byId(2)?.error?.code === -32602);
check("raw: initialize keeps a supported version", byId(3)?.result?.protocolVersion === "2025-06-18");
check("raw: an unknown method is -32601", byId(4)?.error?.code === -32601);
check("raw: tools/call without a name is -32602", byId(5)?.error?.code === -32602);
check("raw: invalid tool arguments under 2025-06-18 are -32602", byId(6)?.error?.code === -32602);
check("raw: a batch under 2025-06-18 is refused as a whole (-32600, id null)",
  replies.some((r) => r.id === null && r.error?.code === -32600 && /batch/.test(r.error.message)));
check("raw: jsonrpc other than 2.0 is -32600", byId(8)?.error?.code === -32600);
check("raw: ping answers {}", JSON.stringify(byId(9)?.result) === "{}");
check("raw: an object id is refused with id null",
  replies.filter((r) => r.id === null && r.error?.code === -32600).length === 2);
check("raw: a second initialize is refused", byId(11)?.error?.code === -32600);
check("raw: notifications and responses get no reply", replies.length === 12,
  String(replies.length));
check("raw: the server exits 0 when the client closes stdin", session.code === 0);

session = await raw([
  init("2025-03-26"),
  '[{"jsonrpc":"2.0","id":2,"method":"ping"},{"jsonrpc":"2.0","method":"notifications/initialized"},{"jsonrpc":"2.0","id":3,"method":"tools/list"}]',
], 2);
replies = session.replies.map(parsed);
check("raw: 2025-03-26 takes a batch and answers with an array of its requests",
  Array.isArray(replies[1]) && replies[1].length === 2 &&
    replies[1].some((r) => r.id === 3 && r.result?.tools?.length === 4));

session = await raw([init("1999-01-01")], 1);
check("raw: an unknown version is answered with the newest supported",
  parsed(session.replies[0] ?? "").result?.protocolVersion === "2025-11-25");

session = await raw([
  init("2025-11-25"),
  '{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"audex_run","arguments":{"command":[]}}}',
], 2);
const late = parsed(session.replies[1] ?? "");
check("raw: under 2025-11-25 invalid tool arguments are an isError result",
  late.result?.isError === true && late.result.content[0].text.includes("command"));

finish();
