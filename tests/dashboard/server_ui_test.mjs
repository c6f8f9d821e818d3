// The team server's web UI (/ui) in a real browser: Debian's Chromium,
// headless, driven by puppeteer-core, checked by axe-core. Run by
// tests/e2e/server_ui_test.sh, which starts moto, oidc-provider (with the
// authorization code flow and PKCE) and `tryaudex server`, makes grants
// with real `run --server` calls, and exports AUDEX_E2E_* for this script.
//
//   node server_ui_test.mjs path/to/tryaudex SCREENSHOT_DIR
import puppeteer from "puppeteer-core";
import { execFileSync, spawn } from "node:child_process";
import { readFileSync, mkdirSync, readdirSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import http from "node:http";
import { tap } from "./tap.mjs";

const BIN = process.argv[2];
const SHOTS = process.argv[3];
const ORIGIN = process.env.AUDEX_E2E_URL;
const IDP = process.env.AUDEX_E2E_IDP;
const CI_TOKEN = process.env.AUDEX_E2E_CI_TOKEN;
const ADMIN_TOKEN = process.env.AUDEX_E2E_ADMIN_TOKEN;
const DEV_TOKEN = process.env.AUDEX_E2E_DEV_TOKEN;
const SEC_TOKEN = process.env.AUDEX_E2E_SEC_TOKEN;
const MOTO = process.env.MOTO_URL;
const CHROMIUM = process.env.AUDEX_E2E_CHROMIUM || "/usr/bin/chromium";
mkdirSync(SHOTS, { recursive: true });

const { check, onCrash, finish } = tap();
process.on("uncaughtException", onCrash);

// Every response any client got from the server, for the secret search
// and the CSP check.
const responses = [];

// A request outside the browser, with full control of the headers.
function request(path, { method = "GET", headers = {}, body = "" } = {}) {
  const { port } = new URL(ORIGIN);
  return new Promise((resolve, reject) => {
    const req = http.request({ host: "127.0.0.1", port, path, method, headers }, (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (chunk) => (text += chunk));
      res.on("end", () => {
        responses.push({ url: path, text, headers: res.headers });
        resolve({ status: res.statusCode, headers: res.headers, text });
      });
    });
    req.on("error", reject);
    req.end(body);
  });
}
const asAdmin = async (path) => JSON.parse((await request(path, { headers: { Authorization: `Bearer ${ADMIN_TOKEN}` } })).text);

// --- without a session nothing but the login page ---------------------------
let r = await request("/ui/");
check("/ui/ without a session redirects to the login page", r.status === 303 && r.headers.location === "/ui/login",
  `${r.status} ${r.headers.location}`);
r = await request("/v1/grants");
check("the API without a bearer or session is 401", r.status === 401, r.status);
r = await request("/v1/grants", { headers: { Cookie: `audex_ui=${"0".repeat(64)}` } });
check("an unknown session cookie is 401", r.status === 401, r.status);
r = await request("/ui/login/token", {
  method: "POST",
  headers: { Origin: "http://evil.example", "Content-Type": "application/x-www-form-urlencoded" },
  body: `token=${ADMIN_TOKEN}`,
});
check("a token login posted from another site's page is refused (403, no cookie)",
  r.status === 403 && !r.headers["set-cookie"], r.status);

const browser = await puppeteer.launch({
  executablePath: CHROMIUM,
  headless: true,
  args: ["--no-sandbox", "--disable-gpu", "--no-first-run"],
});
const pending = [];
const consoleErrors = [];
const idpRequests = [];
function watch(page) {
  page.on("request", (req) => { if (req.url().startsWith(IDP)) idpRequests.push(req.url()); });
  page.on("response", (response) => {
    if (!response.url().startsWith(ORIGIN)) return;
    const headers = response.headers();
    pending.push(
      response.text()
        .then((text) => responses.push({ url: response.url(), text, headers }))
        .catch(() => responses.push({ url: response.url(), text: "", headers })),
    );
  });
  // The IdP's pages are not ours; a 403 the page was refused is the point
  // of the non-admin audit view and of the CSRF checks.
  page.on("console", (m) => {
    if (m.type() !== "error" || !page.url().startsWith(ORIGIN) || /status of 403/.test(m.text())) return;
    consoleErrors.push(`${page.url()}: ${m.text()}`);
  });
  page.on("pageerror", (e) => consoleErrors.push(String(e)));
}
const require = createRequire(import.meta.url);
const axeSource = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");
async function accessible(page, name) {
  await page.evaluate(axeSource);
  const results = await page.evaluate(() => axe.run(document, { resultTypes: ["violations"] }));
  const serious = results.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  check(`axe-core finds no serious violation on ${name}`, serious.length === 0,
    serious.map((v) => `${v.id}: ${v.nodes.length}`).join("; "));
  // 200 % zoom is half the CSS width: nothing may need sideways scrolling.
  await page.setViewport({ width: 640, height: 450 });
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  check(`${name} is readable at 200 % zoom (no sideways scrolling)`, overflow <= 0, `${overflow}px too wide`);
  await page.setViewport({ width: 1280, height: 900 });
}
const allGrants = (await asAdmin("/v1/grants")).grants;
check("the two run --server calls made two grants (the API, as admin)", allGrants.length === 2, allGrants.length);

// --- a person signs in with the IdP: authorization code + PKCE --------------
const alice = await browser.createBrowserContext();
const page = await alice.newPage();
watch(page);
await page.setViewport({ width: 1280, height: 900 });
await page.goto(`${ORIGIN}/ui/`, { waitUntil: "networkidle0" });
check("the browser lands on the login page", new URL(page.url()).pathname === "/ui/login", page.url());
await page.screenshot({ path: join(SHOTS, "server-login.png"), fullPage: true });
await accessible(page, "the login page");
await Promise.all([page.waitForNavigation(), page.click("#login-oidc")]);
const authorize = new URL(idpRequests.find((u) => u.includes("code_challenge")) || IDP);
check("the authorization request asks for a code with an S256 PKCE challenge, a state and a nonce",
  authorize.searchParams.get("response_type") === "code" &&
  authorize.searchParams.get("code_challenge_method") === "S256" &&
  /^[A-Za-z0-9_-]{43}$/.test(authorize.searchParams.get("code_challenge") || "") &&
  /^[0-9a-f]{64}$/.test(authorize.searchParams.get("state") || "") &&
  (authorize.searchParams.get("nonce") || "").length >= 43, authorize.href);
// oidc-provider's own login and consent forms, as the person fills them.
await page.waitForSelector('input[name="login"]');
await page.type('input[name="login"]', "alice");
await page.type('input[name="password"]', "any password");
await Promise.all([page.waitForNavigation(), page.click('button[type="submit"]')]);
await page.waitForSelector('button[type="submit"]');
await page.click('button[type="submit"]');
await page.waitForSelector("#grants-heading", { timeout: 20000 });
check("after the IdP the browser is on the UI, signed in", new URL(page.url()).pathname === "/ui/", page.url());
const who = await page.$eval("#who", (e) => e.textContent);
check("the page names the person and their policy", who.includes("corp:alice@example.com") && who.includes("people"), who);
const aliceCookie = (await page.cookies()).find((c) => c.name === "audex_ui");
check("the session cookie is HttpOnly and SameSite=Strict",
  aliceCookie && aliceCookie.httpOnly && aliceCookie.sameSite === "Strict", JSON.stringify(aliceCookie));
const aliceWhoami = await page.evaluate(async () => (await fetch("/v1/whoami")).json());
const maxAge = aliceCookie.expires - Date.now() / 1000;
check("the session ends no later than the ID token (600 s at this IdP)", maxAge > 0 && maxAge <= 601, maxAge);
check("whoami by the session says oidc:corp, not admin", aliceWhoami.via === "oidc:corp" && aliceWhoami.admin === false,
  JSON.stringify(aliceWhoami));
await page.waitForSelector("#grants-count");
await page.waitForFunction(() => /grant/.test(document.querySelector("#grants-count").textContent));
const aliceRows = await page.$$eval("#grants-table tbody tr", (rows) => rows.length);
const aliceApi = await page.evaluate(async () => (await fetch("/v1/grants")).json());
check("a non-admin sees only their own grants (none of ci-bot's two)", aliceRows === 0 && aliceApi.grants.length === 0,
  `${aliceRows} rows`);
r = await request("/ui/callback?" + new URLSearchParams({ state: authorize.searchParams.get("state"), code: "x" }),
  { headers: { Cookie: `audex_ui_login=${authorize.searchParams.get("state")}` } });
check("the login's state works once (a replayed callback is refused)", r.status === 400 && !r.headers["set-cookie"], r.status);
await page.goto(`${ORIGIN}/ui/#/audit`, { waitUntil: "networkidle0" });
await page.waitForSelector("#audit-heading");
await page.waitForSelector(".error");
const auditRefusal = await page.$eval(".error", (e) => e.textContent);
check("the audit view tells a non-admin the server refused (admin only)", /admin/.test(auditRefusal), auditRefusal);
// Sign out: the session ends in the store, the old cookie is worthless.
await Promise.all([page.waitForNavigation(), page.click("#sign-out")]);
check("sign out goes back to the login page", new URL(page.url()).pathname === "/ui/login", page.url());
r = await request("/v1/whoami", { headers: { Cookie: `audex_ui=${aliceCookie.value}` } });
check("the signed-out session's cookie is refused (401)", r.status === 401, r.status);
await alice.close();

// --- an admin signs in with an API token pasted into the form ---------------
const ops = await browser.createBrowserContext();
const admin = await ops.newPage();
watch(admin);
await admin.setViewport({ width: 1280, height: 900 });
await admin.goto(`${ORIGIN}/ui/login`, { waitUntil: "networkidle0" });
await admin.type("#login-token", ADMIN_TOKEN);
await Promise.all([admin.waitForNavigation(), admin.keyboard.press("Enter")]);
check("the token login lands on the UI", new URL(admin.url()).pathname === "/ui/",
  `${admin.url()}: ${await admin.evaluate(() => document.body.innerText)}`);
await admin.waitForSelector("#grants-table tbody tr");
const shown = await admin.$$eval("#grants-table tbody tr", (rows) => rows.map((row) => row.dataset.grantId));
check("the admin sees the grants run --server made, as GET /v1/grants lists them",
  JSON.stringify(shown) === JSON.stringify(allGrants.map((g) => g.grant_id)), `${shown} vs ${allGrants.map((g) => g.grant_id)}`);
await admin.screenshot({ path: join(SHOTS, "server-grants.png"), fullPage: true });
await accessible(admin, "the grants view");
const adminCookie = (await admin.cookies()).find((c) => c.name === "audex_ui");
const csrf = (await admin.evaluate(async () => (await fetch("/v1/whoami")).json())).ui_csrf_token;
check("whoami gives the session a CSRF token", /^[0-9a-f]{64}$/.test(csrf || ""), csrf);

// A grant's page: its policy is what moto received for its access key.
const target = allGrants[allGrants.length - 1];
await admin.focus(`#grants-table tr[data-grant-id="${target.grant_id}"] a`);
await admin.keyboard.press("Enter");
await admin.waitForSelector("#policy-document");
const shownPolicy = await admin.$eval("#policy-document", (e) => e.textContent);
const assumed = (((await (await fetch(`${MOTO}/moto-api/data.json`)).json()).sts || {}).AssumedRole || []);
const sent = assumed.filter((a) => a.access_key_id === target.access_key_id).map((a) => a.policy);
check("the grant page shows the policy document moto received", sent.length === 1 && shownPolicy === sent[0],
  `${shownPolicy} vs ${sent}`);
await admin.screenshot({ path: join(SHOTS, "server-grant.png"), fullPage: true });
await accessible(admin, "a grant's page");

// CSRF: a state change by cookie needs the token and this server's Origin.
const revokePath = `/v1/grants/${target.grant_id}:revoke`;
const inPage = (headers) => admin.evaluate(async (path, h) => {
  const response = await fetch(path, { method: "POST", headers: h });
  return { status: response.status, body: await response.text() };
}, revokePath, headers);
let refused = await inPage({});
check("a revoke without the CSRF token is refused (403, rule csrf)",
  refused.status === 403 && refused.body.includes('"rule":"csrf"'), JSON.stringify(refused));
refused = await inPage({ "X-Audex-CSRF": "0".repeat(64) });
check("a revoke with a wrong CSRF token is refused (403)", refused.status === 403, refused.status);
r = await request(revokePath, {
  method: "POST",
  headers: { Cookie: `audex_ui=${adminCookie.value}`, "X-Audex-CSRF": csrf, Origin: "http://evil.example" },
});
check("a revoke with the token but a foreign Origin is refused (403)", r.status === 403, r.status);
r = await request(revokePath, { method: "POST", headers: { Cookie: `audex_ui=${adminCookie.value}`, "X-Audex-CSRF": csrf } });
check("a revoke by cookie without any Origin is refused (403)", r.status === 403, r.status);
check("the grant is still issued after the refused revokes", (await asAdmin(`/v1/grants/${target.grant_id}`)).status === "issued");
// The page's own button sends both.
await admin.click("#grant-revoke");
await admin.waitForFunction(() => /revoked/.test(document.querySelector("#grant-status").textContent), { timeout: 20000 });
check("the page's Revoke button revokes the grant (token and Origin sent)",
  (await asAdmin(`/v1/grants/${target.grant_id}`)).status === "revoked");

// The Activity view: its charts' numbers are what the API reports.
await admin.goto(`${ORIGIN}/ui/#/activity`, { waitUntil: "networkidle0" });
await admin.waitForSelector("#activity-by-day tbody tr");
const table = (id) => admin.$$eval(`#${id} tbody tr`, (rows) => rows.map((row) => [...row.children].map((c) => c.textContent)));
const grantsNow = (await asAdmin("/v1/grants")).grants;
const expectDays = {};
const expectActions = {};
for (const g of grantsNow) {
  const key = [g.created_at.slice(0, 10), g.provider, g.profile || "—"].join(" ");
  expectDays[key] = (expectDays[key] || 0) + 1;
  for (const a of (g.requested_actions.length ? g.requested_actions : g.actions)) expectActions[a] = (expectActions[a] || 0) + 1;
}
const shownDays = Object.fromEntries((await table("activity-by-day")).map((c) => [c.slice(0, 3).join(" "), Number(c[3])]));
check("grants per day by provider and profile equal what GET /v1/grants lists",
  JSON.stringify(shownDays) === JSON.stringify(expectDays), `${JSON.stringify(shownDays)} vs ${JSON.stringify(expectDays)}`);
const charted = await admin.evaluate(() => Chart.getChart("chart-by-day").data.datasets.reduce((sum, d) => sum + d.data.reduce((a, b) => a + b, 0), 0));
check("the per-day chart draws every grant", charted === grantsNow.length, `${charted} vs ${grantsNow.length}`);
const shownActions = Object.fromEntries((await table("activity-actions")).map((c) => [c[0], Number(c[1])]));
check("the most requested actions equal the grants' requests",
  JSON.stringify(Object.entries(shownActions).sort()) === JSON.stringify(Object.entries(expectActions).sort()), JSON.stringify(shownActions));
const refusedEvents = (await asAdmin("/v1/audit?event=grant_refused&limit=1000")).events;
const expectRefusals = {};
for (const e of refusedEvents) expectRefusals[e.fields.rule] = (expectRefusals[e.fields.rule] || 0) + 1;
const shownRefusals = Object.fromEntries((await table("activity-refusals")).map((c) => [c[0], Number(c[1])]));
check("refusals by rule equal the chain's grant_refused events (the refused run --server among them)",
  refusedEvents.length >= 1 && JSON.stringify(shownRefusals) === JSON.stringify(expectRefusals), JSON.stringify(shownRefusals));
const metrics = (await request("/metrics")).text;
const stsCalls = [...metrics.matchAll(/^audex_sts_calls_total\{[^}]*\} (\d+)/gm)].reduce((sum, m) => sum + Number(m[1]), 0);
const stsSummary = await admin.$eval("#activity-sts-summary", (e) => e.textContent);
const stsRows = (await table("activity-sts")).reduce((sum, c) => sum + Number(c[1]), 0);
check("the STS latency chart counts the calls /metrics counts", stsCalls >= 2 && stsSummary.startsWith(`${stsCalls} STS call`) && stsRows === stsCalls,
  `${stsSummary} / ${stsRows} vs ${stsCalls}`);
await admin.screenshot({ path: join(SHOTS, "server-activity.png"), fullPage: true });
await accessible(admin, "the activity view");

// The policy explorer on the server: comparing two profiles gives the sets
// `run --dry-run` and `policies expand` make (the server has no deny list).
const tryaudex = (...args) => execFileSync(BIN, args, { encoding: "utf8", env: process.env });
const profileActions = (name) => {
  const planned = JSON.parse(tryaudex("run", "--dry-run", "--json", "--role-arn", "arn:aws:iam::123456789012:role/x", "--profile", name, "--", "true"));
  const actions = new Set();
  for (const { action } of planned.actions) {
    if (/[*?]/.test(action)) JSON.parse(tryaudex("policies", "expand", action, "--json"))[0].actions.forEach((a) => actions.add(a.action));
    else actions.add(action);
  }
  return actions;
};
await admin.goto(`${ORIGIN}/ui/#/explorer`, { waitUntil: "networkidle0" });
await admin.waitForSelector("#compare-a option[value='s3-readwrite']");
await admin.select("#compare-a", "s3-readonly");
await admin.select("#compare-b", "s3-readwrite");
await admin.waitForSelector("#compare-only-b-count");
const shownCompare = await admin.evaluate(() => ["compare-only-a", "compare-both", "compare-only-b"].map((id) => Number(document.getElementById(`${id}-count`).textContent)));
const ro = profileActions("s3-readonly");
const rw = profileActions("s3-readwrite");
const expectCompare = [[...ro].filter((x) => !rw.has(x)).length, [...ro].filter((x) => rw.has(x)).length, [...rw].filter((x) => !ro.has(x)).length];
check("comparing two profiles on the server equals the dry runs expanded by `policies expand`",
  JSON.stringify(shownCompare) === JSON.stringify(expectCompare) && expectCompare[2] > 0, `${shownCompare} vs ${expectCompare}`);
await admin.type("#explore-allow", "s3:Get*");
await admin.waitForSelector('details[data-pattern="s3:Get*"] .count', { timeout: 10000 });
const serverCount = Number(await admin.$eval('details[data-pattern="s3:Get*"] .count', (e) => e.textContent));
check("the server explorer's count for s3:Get* equals `policies expand`",
  serverCount === JSON.parse(tryaudex("policies", "expand", "s3:Get*", "--json"))[0].count, serverCount);
await admin.screenshot({ path: join(SHOTS, "server-explorer.png"), fullPage: true });
await accessible(admin, "the server's policy explorer");

// The audit view, for an admin: the chain is intact, events from the store.
await admin.goto(`${ORIGIN}/ui/#/audit`, { waitUntil: "networkidle0" });
await admin.waitForSelector("#audit-status");
const status = await admin.$eval("#audit-status", (e) => ({ cls: e.className, text: e.textContent }));
const verdict = await asAdmin("/v1/audit:verify");
check("the audit view says the chain is intact with the API's count",
  status.cls.includes("ok") && status.text.includes(`${verdict.events} event`), status.text);
const events = await admin.$$eval("#audit-table tbody tr", (rows) => rows.map((row) => row.children[2].textContent));
check("the audit view lists the store's events (ui_login among them)",
  events.includes("grant_issued") && events.includes("ui_login"), events.join(","));
await admin.screenshot({ path: join(SHOTS, "server-audit.png"), fullPage: true });
await accessible(admin, "the audit view");

// --- Approvals: a request waits for sec, is decided in the UI ----------------
// The requester is a real `run --server` that waits for the approval (its
// 202 and credentials token never pass through this script).
const clientEnv = { ...process.env, AUDEX_HOME: process.env.AUDEX_E2E_CLIENT_HOME, AUDEX_SERVER: ORIGIN };
delete clientEnv.AWS_ACCESS_KEY_ID;
delete clientEnv.AWS_SECRET_ACCESS_KEY;
let runErr = "";
const waiting = spawn(BIN, ["run", "--profile", "s3-readonly", "--ttl", "20m",
  "--reason", "hotfix 1234", "--approval-wait", "2m", "--", "aws", "sts", "get-caller-identity"],
{ env: { ...clientEnv, AUDEX_SERVER_TOKEN: DEV_TOKEN }, stdio: ["ignore", "ignore", "pipe"] });
waiting.stderr.on("data", (chunk) => (runErr += chunk));
const waited = new Promise((resolve) => waiting.on("exit", (code) => resolve(code)));
const asSec = async (path) => JSON.parse((await request(path, { headers: { Authorization: `Bearer ${SEC_TOKEN}` } })).text);
let asked = null;
for (let i = 0; i < 100 && !asked; i++) {
  asked = (await asSec("/v1/requests?status=pending")).requests.find((x) => x.grant && x.grant.reason === "hotfix 1234");
  if (!asked) await new Promise((resolve) => setTimeout(resolve, 200));
}
check("run --server's request is pending for sec (GET /v1/requests)", !!asked, runErr);
const requestId = asked ? asked.request_id : "none";
const cardOf = `article[data-request-id="${requestId}"]`;
const tokenLogin = async (token) => {
  const context = await browser.createBrowserContext();
  const tab = await context.newPage();
  watch(tab);
  await tab.setViewport({ width: 1280, height: 900 });
  await tab.goto(`${ORIGIN}/ui/login`, { waitUntil: "networkidle0" });
  await tab.type("#login-token", token);
  await Promise.all([tab.waitForNavigation(), tab.keyboard.press("Enter")]);
  return { context, tab };
};

// The requester's own session: the Approve button is refused, with the rule.
const dev = await tokenLogin(DEV_TOKEN);
await dev.tab.goto(`${ORIGIN}/ui/#/approvals`, { waitUntil: "networkidle0" });
await dev.tab.waitForSelector(`${cardOf} button.approve`).catch(async (e) => {
  console.log(`# the requester's approvals view (${dev.tab.url()}): ${await dev.tab.evaluate(() => document.body.innerText)}`);
  throw e;
});
await dev.tab.type(`${cardOf} textarea`, "looks fine to me");
await dev.tab.click(`${cardOf} button.approve`);
await dev.tab.waitForSelector(`${cardOf} .decision-notice`);
const selfRefusal = await dev.tab.$eval(`${cardOf} .decision-notice`, (e) => e.textContent);
check("the requester's own Approve is refused in words, naming policies.prod.approval.self",
  selfRefusal.startsWith("Not approved") && selfRefusal.includes("policies.prod.approval.self") && /your own|their own/.test(selfRefusal), selfRefusal);
check("the request is still pending after the requester's try",
  (await asSec(`/v1/requests/${requestId}`)).status === "pending");
await dev.context.close();

// The approver (group sec, a non-admin rule set) sees it with its policy.
const sec = await tokenLogin(SEC_TOKEN);
const approver = sec.tab;
await approver.waitForSelector('nav a[href="#/approvals"]');
await approver.click('nav a[href="#/approvals"]');
await approver.waitForSelector(`${cardOf} .request-policy`).catch(async (e) => {
  console.log(`# the approvals view: ${await approver.evaluate(() => document.body.innerText)}`);
  throw e;
});
const card = await approver.$eval(cardOf, (e) => ({
  requester: e.querySelector("h3").textContent,
  reason: e.querySelector(".request-reason").textContent,
  rule: e.querySelector(".request-rule").textContent,
  approvals: e.querySelector(".request-approvals").textContent,
  policy: e.querySelector(".request-policy").textContent,
  beyond: e.querySelector(".beyond").textContent,
}));
const grantRecord = await asAdmin(`/v1/grants/${asked ? asked.grant_id : "none"}`);
check("the Approvals view shows the requester, reason, rule and approvals 0 of 1",
  card.requester.includes("dev") && card.reason === "hotfix 1234" && card.rule === "policies.prod" &&
  /^0 of 1/.test(card.approvals.trim()), JSON.stringify(card));
check("the policy shown is the grant's own policy document",
  grantRecord.policy && card.policy === JSON.stringify(grantRecord.policy), `${card.policy} vs ${JSON.stringify(grantRecord.policy)}`);
// Nothing was typed (--profile alone): every action is the profile's.
check("what the grant gives beyond what was typed is shown as the profile's actions",
  grantRecord.requested_actions.length === 0 && grantRecord.actions.length > 0 && card.beyond.includes("s3-readonly") &&
  grantRecord.actions.every((a) => card.beyond.includes(a)),
  card.beyond);
await approver.screenshot({ path: join(SHOTS, "server-approvals.png"), fullPage: true });
await accessible(approver, "the approvals view");
// A denial needs a reason: refused in the page, nothing sent.
await approver.click(`${cardOf} button.deny`);
await approver.waitForSelector(`${cardOf} .decision-notice`);
const denyText = await approver.$eval(`${cardOf} .decision-notice`, (e) => e.textContent);
const focused = await approver.evaluate(() => document.activeElement && document.activeElement.className);
check("Deny without a reason is refused in words and focus goes to the reason field",
  /reason is required/.test(denyText) && focused === "decision-reason", `${denyText} / ${focused}`);
check("the request is still pending", (await asSec(`/v1/requests/${requestId}`)).status === "pending");
// Approve with the keyboard: the reason typed, Tab to Approve, Enter.
await approver.focus(`${cardOf} textarea`);
await approver.keyboard.type("matches ticket 1234");
await approver.keyboard.press("Tab");
const onApprove = await approver.evaluate(() => document.activeElement.className);
await approver.keyboard.press("Enter");
await approver.waitForFunction(() => /approved/.test(document.querySelector("#approvals-done").textContent), { timeout: 20000 });
check("Tab from the reason reaches Approve; Enter approves", onApprove === "approve", onApprove);
let issued = null;
for (let i = 0; i < 100; i++) {
  issued = await asAdmin(`/v1/grants/${grantRecord.grant_id}`);
  if (issued.status === "issued") break;
  await new Promise((resolve) => setTimeout(resolve, 200));
}
check("after Approve the grant is issued (GET /v1/grants/{id})", issued.status === "issued", issued.status);
const decidedRequest = await asSec(`/v1/requests/${requestId}`);
check("the request is approved by sec-alice with the reason typed",
  decidedRequest.status === "approved" && decidedRequest.approvals.length === 1 &&
  decidedRequest.approvals[0].approver === "sec-alice" && decidedRequest.approvals[0].reason === "matches ticket 1234",
  JSON.stringify(decidedRequest.approvals));
const motoRoles = ((await (await fetch(`${MOTO}/moto-api/data.json`)).json()).sts || {}).AssumedRole || [];
const approvedSent = motoRoles.filter((a) => a.access_key_id === issued.access_key_id).map((a) => a.policy);
check("moto recorded the approved grant's AssumeRole with exactly the policy the approver saw",
  approvedSent.length === 1 && approvedSent[0] === card.policy, `${approvedSent}`);
const runCode = await Promise.race([waited, new Promise((resolve) => setTimeout(() => resolve("timeout"), 60000))]);
check("the waiting run --server goes on after the approval and its aws child (sts get-caller-identity) succeeds", runCode === 0, `${runCode}: ${runErr}`);
await approver.waitForFunction((selector) => !document.querySelector(selector), { timeout: 10000 }, cardOf).catch(() => {});
check("the decided request leaves the pending queue", (await approver.$(cardOf)) === null,
  await approver.$eval("#pending-count", (e) => e.textContent));

// Break-glass: issued at once, then listed for review until reviewed.
execFileSync(BIN, ["run", "--break-glass", "--allow", "s3:Get*,s3:PutObject", "--ttl", "15m", "--reason", "prod is down",
  "--", "true"], { env: { ...clientEnv, AUDEX_SERVER_TOKEN: DEV_TOKEN }, stdio: "ignore" });
const glass = (await asSec("/v1/requests?status=review")).requests;
check("the break-glass grant awaits review (GET /v1/requests?status=review)", glass.length === 1 && glass[0].break_glass, glass.length);
const glassCard = `#review-requests article[data-request-id="${glass.length ? glass[0].request_id : "none"}"]`;
await approver.waitForSelector(`${glassCard} button.review`, { timeout: 10000 });
const glassReason = await approver.$eval(`${glassCard} .request-reason`, (e) => e.textContent);
check("the review list shows the break-glass grant with its reason", glassReason === "prod is down", glassReason);
// Its grant holds a wildcard: shown with what it matches today.
await approver.waitForSelector(`${glassCard} .wildcards li`, { timeout: 10000 });
const wildcardShown = await approver.$$eval(`${glassCard} .wildcards li`, (items) => items.map((li) => li.textContent));
const getCount = JSON.parse(tryaudex("policies", "expand", "s3:Get*", "--json"))[0].count;
check("a wildcard the grant holds is shown with its action count (s3:Get* as policies expand)",
  getCount > 1 && wildcardShown.some((t) => t.startsWith(`s3:Get*: ${getCount} actions`)), wildcardShown.join(" | "));
const glassBeyond = await approver.$eval(`${glassCard} .beyond`, (e) => e.textContent);
check("a grant of exactly what was typed says nothing was added", glassBeyond.includes("Nothing added"), glassBeyond);
await approver.screenshot({ path: join(SHOTS, "server-approvals-review.png"), fullPage: true });
await approver.type(`${glassCard} textarea`, "justified: incident 42");
await approver.click(`${glassCard} button.review`);
await approver.waitForFunction(() => document.querySelector("#review-count").textContent.startsWith("0 "), { timeout: 10000 }).catch(() => {});
const reviewCount = await approver.$eval("#review-count", (e) => e.textContent);
check("the reviewed grant leaves the review list in the page", reviewCount.startsWith("0 "), reviewCount);
const reviewed = await asSec(`/v1/requests/${glass.length ? glass[0].request_id : "none"}`);
check("Review clears it: reviewed by sec-alice, none left to review",
  reviewed.reviewed_by === "sec-alice" && (await asSec("/v1/requests?status=review")).requests.length === 0, reviewed.reviewed_by);
await sec.context.close();

check("no script error on any page", consoleErrors.length === 0, consoleErrors.join(" | "));
const within = (promise, ms) => Promise.race([promise, new Promise((resolve) => setTimeout(resolve, ms))]);
await within(Promise.all(pending), 5000);
await within(browser.close(), 10000);

// --- headers and secrets over every response ---------------------------------
const noCsp = responses.filter((x) => !/default-src 'none'/.test(x.headers["content-security-policy"] || "") ||
  !/frame-ancestors 'none'/.test(x.headers["content-security-policy"] || "") || x.headers["x-frame-options"] !== "DENY");
check(`every one of the ${responses.length} responses has the strict CSP and X-Frame-Options`, noCsp.length === 0 && responses.length > 20,
  noCsp.map((x) => x.url).slice(0, 5).join(", "));
const unsafe = responses.filter((x) => /unsafe-inline|unsafe-eval/.test(x.headers["content-security-policy"] || ""));
check("no CSP allows inline script or eval", unsafe.length === 0);
const secrets = [
  ["the base secret key", process.env.AWS_SECRET_ACCESS_KEY],
  ["the CI API token", CI_TOKEN],
  ["the admin API token", ADMIN_TOKEN],
  ["the requester's API token", DEV_TOKEN],
  ["the approver's API token", SEC_TOKEN],
  ["alice's session cookie", aliceCookie.value],
  ["the admin's session cookie", adminCookie.value],
];
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
walk(await (await fetch(`${MOTO}/moto-api/data.json`)).json());
check("moto's issued secrets are known to the search", secrets.length > 6, secrets.length);
const leaks = [];
for (const x of responses) {
  for (const [name, secret] of secrets) if (secret && x.text.includes(secret)) leaks.push(`${name} in ${x.url}`);
  if (/SecretAccessKey|SessionToken|credentials_token/.test(x.text)) leaks.push(`a credential field in ${x.url}`);
}
check(`no secret in any of the ${responses.length} responses`, leaks.length === 0, leaks.join("; "));
check("screenshots saved", readdirSync(SHOTS).filter((f) => f.startsWith("server-")).length >= 5, SHOTS);
finish();
