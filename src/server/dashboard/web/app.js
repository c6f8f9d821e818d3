// The Audex dashboard's page: its views over a JSON API. Served two ways
// from the same files: by `tryaudex dashboard` at / over the local API under
// /api/v1 (docs/dashboard.md), and by `tryaudex server` at /ui/ over the
// team server's own API, /v1/... (docs/team-mode.md, "The web UI"), with
// the signed-in caller's session cookie and, on every state-changing
// request, its CSRF token. Preact with htm (pinned in package-lock.json,
// compiled into the program): no build step, no CDN, no inline script, so
// the Content-Security-Policy can forbid everything but this origin's own
// files.
import { html, render, useState, useEffect, useRef } from "./vendor/preact-htm.js";

const POLL_MS = 2000;
// The team server's UI lives under /ui/; the local dashboard at /.
const SERVER = location.pathname.startsWith("/ui/");
// The server session's caller (GET /v1/whoami), with its CSRF token.
let whoami = null;

// A refusal keeps the API's rule (docs/team-mode.md: `error.rule` names
// the rule that refused) and HTTP status beside its message.
async function api(path, { method = "GET", json } = {}) {
  const headers = { Accept: "application/json" };
  if (method !== "GET" && whoami) headers["X-Audex-CSRF"] = whoami.ui_csrf_token;
  const init = { method, credentials: "same-origin", headers };
  if (json !== undefined) {
    headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(json);
  }
  const response = await fetch(path, init);
  const body = await response.json().catch(() => ({}));
  if (response.status === 401 && SERVER) {
    // The session ended (expired, signed out elsewhere, token revoked).
    location.assign("/ui/login");
  }
  if (!response.ok) {
    const message = (body.error && body.error.message) || `HTTP ${response.status}`;
    const error = new Error(message);
    error.rule = (body.error && body.error.rule) || "";
    error.status = response.status;
    throw error;
  }
  return body;
}

function query(params) {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) if (value) search.set(name, value);
  const text = search.toString();
  return text ? `?${text}` : "";
}

const HOME = SERVER ? "#/grants" : "#/sessions";

function useHash() {
  const [hash, setHash] = useState(location.hash || HOME);
  useEffect(() => {
    const changed = () => setHash(location.hash || HOME);
    addEventListener("hashchange", changed);
    // Effects run after the first paint: a hash changed in between (a link
    // followed, or a bookmark's hash set, while the page was starting) fired
    // its event before anyone listened.
    changed();
    return () => removeEventListener("hashchange", changed);
  }, []);
  return hash;
}

// Moves focus to the new view's heading so keyboard and screen-reader users
// land where the content changed; not on the first view of a page load,
// where Tab should start at the top (the skip link).
let firstView = true;
function Heading({ children, id }) {
  const ref = useRef(null);
  useEffect(() => {
    if (firstView) {
      firstView = false;
      return;
    }
    if (ref.current) ref.current.focus();
  }, []);
  return html`<h2 id=${id} tabindex="-1" ref=${ref}>${children}</h2>`;
}

function Field({ label, id, children }) {
  return html`<div class="field"><label for=${id}>${label}</label>${children}</div>`;
}

function StateText({ state }) {
  return html`<span class=${`state-${state}`}>${state}</span>`;
}

function formatTime(text) {
  return text ? text.replace("T", " ").replace("Z", " UTC") : "";
}

// GET `path` now and every POLL_MS while the view is shown, again from the
// start when `path` changes (new filters); `data` is replaced only when
// `versionOf(body)` differs from the last one, so an unchanged listing is
// not redrawn. Returns [data, error].
function usePolled(path, versionOf) {
  const [data, setData] = useState(null);
  const [error, setError] = useState("");
  const version = useRef("");
  useEffect(() => {
    let stopped = false;
    version.current = "";
    async function load() {
      try {
        const body = await api(path);
        if (stopped) return;
        setError("");
        const seen = versionOf(body);
        if (seen !== version.current) {
          version.current = seen;
          setData(body);
        }
      } catch (e) {
        if (!stopped) setError(e.message);
      }
    }
    load();
    const timer = setInterval(load, POLL_MS);
    return () => { stopped = true; clearInterval(timer); };
  }, [path]);
  return [data, error];
}

// ---- Sessions ----

function Sessions() {
  const [filters, setFilters] = useState({ provider: "", status: "", profile: "", agent: "", since: "", until: "" });
  // Redrawn only when the listing changed (its `version`): the live feed.
  const [data, error] = usePolled(`/api/v1/sessions${query({ ...filters, limit: "500" })}`,
    (body) => body.version);
  const set = (name) => (event) => setFilters({ ...filters, [name]: event.target.value });
  const sessions = data ? data.sessions : [];
  return html`
    <section aria-labelledby="sessions-heading">
      <${Heading} id="sessions-heading">Sessions<//>
      <form class="filters" role="search" aria-label="Filter sessions" onSubmit=${(e) => e.preventDefault()}>
        <${Field} label="Provider" id="filter-provider">
          <select id="filter-provider" value=${filters.provider} onChange=${set("provider")}>
            <option value="">any</option><option value="aws">aws</option><option value="gcp">gcp</option><option value="azure">azure</option>
          </select><//>
        <${Field} label="Status" id="filter-status">
          <select id="filter-status" value=${filters.status} onChange=${set("status")}>
            <option value="">any</option><option value="active">active</option><option value="ended">ended</option>
            <option value="failed">failed</option><option value="expired">expired</option><option value="abandoned">abandoned</option>
          </select><//>
        <${Field} label="Profile" id="filter-profile">
          <input id="filter-profile" value=${filters.profile} onChange=${set("profile")} /><//>
        <${Field} label="Agent (AUDEX_AGENT_ID)" id="filter-agent">
          <input id="filter-agent" value=${filters.agent} onChange=${set("agent")} /><//>
        <${Field} label="Since (RFC 3339)" id="filter-since">
          <input id="filter-since" placeholder="2026-12-06T00:00:00Z" value=${filters.since} onChange=${set("since")} /><//>
        <${Field} label="Until (RFC 3339)" id="filter-until">
          <input id="filter-until" placeholder="2026-12-07T00:00:00Z" value=${filters.until} onChange=${set("until")} /><//>
      </form>
      ${error && html`<p class="error" role="alert">${error}</p>`}
      <p id="sessions-count" role="status" aria-live="polite">${data ? `${data.total} session${data.total === 1 ? "" : "s"}` : "Loading…"}</p>
      <div class="table-wrap">
      <table id="sessions-table">
        <caption class="muted">Newest first; new sessions appear as they start.</caption>
        <thead><tr><th scope="col">Session</th><th scope="col">Created</th><th scope="col">Provider</th><th scope="col">Profile</th>
          <th scope="col">State</th><th scope="col">Actions</th><th scope="col">Command</th><th scope="col">Exit</th></tr></thead>
        <tbody>
          ${sessions.map((s) => html`
            <tr key=${s.id} data-session-id=${s.id}>
              <td><a href=${`#/sessions/${s.id}`}>${s.id}</a></td>
              <td>${formatTime(s.created)}</td>
              <td>${s.provider}</td>
              <td>${s.profile || html`<span class="muted">—</span>`}</td>
              <td><${StateText} state=${s.state || s.status} /></td>
              <td>${(s.actions || []).join(", ")}</td>
              <td><code>${(s.command || []).join(" ")}</code></td>
              <td>${s.exit_code ?? (s.signal ? `signal ${s.signal}` : "")}</td>
            </tr>`)}
        </tbody>
      </table>
      </div>
    </section>`;
}

function SessionPage({ id }) {
  const [data, setData] = useState(null);
  const [error, setError] = useState("");
  useEffect(() => {
    let stopped = false;
    const load = () => api(`/api/v1/sessions/${encodeURIComponent(id)}`)
      .then((body) => { if (!stopped) { setData(body); setError(""); } })
      .catch((e) => { if (!stopped) setError(e.message); });
    load();
    const timer = setInterval(load, POLL_MS);
    return () => { stopped = true; clearInterval(timer); };
  }, [id]);
  if (error) return html`<section><${Heading} id="session-heading">Session ${id}<//><p class="error" role="alert">${error}</p></section>`;
  if (!data) return html`<p>Loading…</p>`;
  const s = data.session;
  return html`
    <section aria-labelledby="session-heading">
      <p><a href="#/sessions">← All sessions</a></p>
      <${Heading} id="session-heading">Session <code>${s.id}</code><//>
      <dl class="facts">
        <dt>State</dt><dd id="session-state"><${StateText} state=${s.state || s.status} /></dd>
        <dt>Provider</dt><dd>${s.provider}</dd>
        <dt>Profile</dt><dd>${s.profile || "—"}</dd>
        <dt>Role</dt><dd>${s.role || "—"}</dd>
        <dt>Created</dt><dd>${formatTime(s.created)}</dd>
        <dt>Expires</dt><dd>${formatTime(s.expires)}</dd>
        <dt>Ended</dt><dd>${formatTime(s.ended) || "—"}</dd>
        <dt>Command</dt><dd><code id="session-command">${(s.command || []).join(" ")}</code></dd>
        <dt>Exit status</dt><dd id="session-exit">${s.exit_code ?? (s.signal ? `signal ${s.signal}` : "—")}</dd>
        ${s.failure && html`<dt>Failure</dt><dd class="error">${s.failure}</dd>`}
        <dt>Access key id</dt><dd>${s.access_key_id || "—"}</dd>
        <dt>Agent</dt><dd>${s.agent_id || "—"}</dd>
      </dl>
      <h3>Plan</h3>
      <dl class="facts">
        <dt>Asked for</dt><dd>${(s.requested_actions || []).join(", ") || "—"}</dd>
        <dt>Granted</dt><dd id="session-actions">${(s.actions || []).join(", ")}</dd>
        <dt>Resources</dt><dd>${(s.resources || []).length ? s.resources.join(", ") : "* (every resource)"}</dd>
      </dl>
      <h3 id="policy-heading">Session policy (${data.policy_size.toLocaleString("en")} of ${data.policy_limit.toLocaleString("en")} characters)</h3>
      ${data.policy_document
        ? html`<pre id="policy-document" tabindex="0">${data.policy_document}</pre>`
        : html`<p class="muted">No policy document (token providers carry none).</p>`}
      <h3>Timeline</h3>
      <ol id="session-timeline">
        ${data.timeline.map((e) => html`<li key=${e.line}><strong>${e.event}</strong> <span class="muted">${formatTime(e.ts)}</span></li>`)}
      </ol>
    </section>`;
}

// ---- Audit ----

// One page of the chain and its verification, in the local API's shape. On
// the server: GET /v1/audit (events by seq) and GET /v1/audit:verify, which
// only an admin policy may read (the view shows the server's refusal).
async function loadAudit(params) {
  if (!SERVER) return api(`/api/v1/audit${query(params)}`);
  const [page, verdict] = await Promise.all([api(`/v1/audit${query(params)}`), api("/v1/audit:verify")]);
  return {
    events: page.events.map((e) => ({ line: e.seq, ...e })),
    next_after: page.next_after,
    verification: verdict.ok
      ? { intact: true, events: verdict.events }
      : { intact: false, line: verdict.line, problem: verdict.problem, intact_events: verdict.intact_events },
  };
}

function Audit() {
  const [filters, setFilters] = useState({ event: "", session: "" });
  const [cursors, setCursors] = useState([0]);  // the `after` of each page seen
  const [data, setData] = useState(null);
  const [error, setError] = useState("");
  const after = cursors[cursors.length - 1];
  useEffect(() => {
    loadAudit({ ...filters, after: String(after), limit: "50" })
      .then((body) => { setData(body); setError(""); })
      .catch((e) => setError(e.message));
  }, [after, filters.event, filters.session]);
  const set = (name) => (event) => { setCursors([0]); setFilters({ ...filters, [name]: event.target.value }); };
  const v = data && data.verification;
  return html`
    <section aria-labelledby="audit-heading">
      <${Heading} id="audit-heading">Audit log<//>
      ${v && html`<p id="audit-status" role="status" class=${`status ${v.intact ? "ok" : "bad"}`}>
        ${v.intact
          ? `Chain intact: ${v.events} event${v.events === 1 ? "" : "s"} verified.`
          : `Chain broken at line ${v.line}: ${v.problem} (${v.intact_events} events verified before it).`}
      </p>`}
      <form class="filters" role="search" aria-label="Filter events" onSubmit=${(e) => e.preventDefault()}>
        <${Field} label="Event" id="audit-event"><input id="audit-event" value=${filters.event} onChange=${set("event")} /><//>
        <${Field} label="Session id (prefix)" id="audit-session"><input id="audit-session" value=${filters.session} onChange=${set("session")} /><//>
        <div class="field"><span class="muted">Export</span><br />
          ${SERVER
            ? html`<a class="button" id="export-jsonl" href="/v1/audit?format=jsonl&limit=1000" download="audit.jsonl">JSONL (first 1,000)</a>`
            : html`<a class="button" id="export-jsonl" href="/api/v1/audit/export?format=jsonl" download="audit.jsonl">JSONL</a>${" "}
          <a class="button" id="export-csv" href="/api/v1/audit/export?format=csv" download="audit.csv">CSV</a>`}</div>
      </form>
      ${error && html`<p class="error" role="alert">${error}</p>`}
      <div class="table-wrap">
      <table id="audit-table">
        <thead><tr><th scope="col">Line</th><th scope="col">Time</th><th scope="col">Event</th><th scope="col">Session</th><th scope="col">Fields</th></tr></thead>
        <tbody>
          ${(data ? data.events : []).map((e) => html`
            <tr key=${e.line}>
              <td>${e.line}</td>
              ${e.error
                ? html`<td colspan="4" class="error">Unreadable line: ${e.error}</td>`
                : html`<td>${formatTime(e.ts)}</td><td>${e.event}</td>
                       <td><a href=${`${SERVER ? "#/grants/" : "#/sessions/"}${e.session_id}`}>${e.session_id}</a></td>
                       <td><code>${JSON.stringify(e.fields)}</code></td>`}
            </tr>`)}
        </tbody>
      </table>
      </div>
      <div class="pager">
        <button type="button" disabled=${cursors.length < 2} onClick=${() => setCursors(cursors.slice(0, -1))}>Previous page</button>
        <button type="button" id="audit-next" disabled=${!data || data.next_after === null}
          onClick=${() => setCursors([...cursors, data.next_after])}>Next page</button>
        <span class="muted">Page ${cursors.length}</span>
      </div>
    </section>`;
}

// The explorer's two routes: the local dashboard's, or the team server's
// (its own profiles and deny list).
const PROFILES_PATH = SERVER ? "/v1/profiles" : "/api/v1/policies/profiles";
const EXPLAIN_PATH = SERVER ? "/v1/plan" : "/api/v1/policies/explain";

// ---- Grants (the team server) ----

// GET /v1/grants: the caller's own grants, or everyone's for an admin
// policy (the server decides, as for `tryaudex grants`).
function Grants() {
  const [filters, setFilters] = useState({ status: "", caller: "" });
  // Redrawn only when the listing changed: the live feed.
  const [data, error] = usePolled(`/v1/grants${query({ ...filters, limit: "500" })}`,
    (body) => JSON.stringify(body.grants));
  const set = (name) => (event) => setFilters({ ...filters, [name]: event.target.value });
  const grants = data ? data.grants : [];
  return html`
    <section aria-labelledby="grants-heading">
      <${Heading} id="grants-heading">Grants<//>
      <form class="filters" role="search" aria-label="Filter grants" onSubmit=${(e) => e.preventDefault()}>
        <${Field} label="Status" id="filter-status">
          <select id="filter-status" value=${filters.status} onChange=${set("status")}>
            <option value="">any</option><option value="issuing">issuing</option><option value="issued">issued</option>
            <option value="failed">failed</option><option value="revoked">revoked</option><option value="expired">expired</option>
          </select><//>
        ${whoami && whoami.admin && html`<${Field} label="Caller" id="filter-caller">
          <input id="filter-caller" value=${filters.caller} onChange=${set("caller")} /><//>`}
      </form>
      ${error && html`<p class="error" role="alert">${error}</p>`}
      <p id="grants-count" role="status" aria-live="polite">${data ? `${grants.length} grant${grants.length === 1 ? "" : "s"}${whoami && !whoami.admin ? " (yours)" : ""}` : "Loading…"}</p>
      <div class="table-wrap">
      <table id="grants-table">
        <caption class="muted">Newest first; new grants appear as they are made.</caption>
        <thead><tr><th scope="col">Grant</th><th scope="col">Created</th><th scope="col">Caller</th><th scope="col">Provider</th>
          <th scope="col">Profile</th><th scope="col">Status</th><th scope="col">Actions</th><th scope="col">Expires</th></tr></thead>
        <tbody>
          ${grants.map((g) => html`
            <tr key=${g.grant_id} data-grant-id=${g.grant_id}>
              <td><a href=${`#/grants/${g.grant_id}`}>${g.grant_id}</a></td>
              <td>${formatTime(g.created_at)}</td>
              <td>${g.caller}</td>
              <td>${g.provider}</td>
              <td>${g.profile || html`<span class="muted">—</span>`}</td>
              <td><${StateText} state=${g.status} /></td>
              <td>${(g.actions || []).join(", ")}</td>
              <td>${formatTime(g.expires_at)}</td>
            </tr>`)}
        </tbody>
      </table>
      </div>
    </section>`;
}

function GrantPage({ id }) {
  const [grant, setGrant] = useState(null);
  const [error, setError] = useState("");
  const [notice, setNotice] = useState("");
  const load = () => api(`/v1/grants/${encodeURIComponent(id)}`)
    .then((body) => { setGrant(body); setError(""); })
    .catch((e) => setError(e.message));
  useEffect(() => {
    load();
    const timer = setInterval(load, POLL_MS);
    return () => clearInterval(timer);
  }, [id]);
  // A state change: POST with the session's CSRF token (api()).
  const revoke = () => api(`/v1/grants/${encodeURIComponent(id)}:revoke`, { method: "POST" })
    .then(() => { setNotice("Revoked."); load(); })
    .catch((e) => setNotice(`Not revoked: ${e.message}`));
  if (error) return html`<section><${Heading} id="grant-heading">Grant ${id}<//><p class="error" role="alert">${error}</p></section>`;
  if (!grant) return html`<p>Loading…</p>`;
  const policy = grant.policy ? JSON.stringify(grant.policy) : "";
  return html`
    <section aria-labelledby="grant-heading">
      <p><a href="#/grants">← All grants</a></p>
      <${Heading} id="grant-heading">Grant <code>${grant.grant_id}</code><//>
      <dl class="facts">
        <dt>Status</dt><dd id="grant-status"><${StateText} state=${grant.status} />${grant.status_reason ? ` (${grant.status_reason})` : ""}</dd>
        <dt>Caller</dt><dd>${grant.caller}</dd>
        <dt>Rule</dt><dd>${grant.rule}</dd>
        <dt>Provider</dt><dd>${grant.provider}</dd>
        <dt>Role</dt><dd>${grant.role || "—"}</dd>
        <dt>Profile</dt><dd>${grant.profile || "—"}</dd>
        <dt>Reason</dt><dd>${grant.reason || "—"}</dd>
        <dt>Created</dt><dd>${formatTime(grant.created_at)}</dd>
        <dt>Issued</dt><dd>${formatTime(grant.issued_at) || "—"}</dd>
        <dt>Expires</dt><dd>${formatTime(grant.expires_at) || "—"}</dd>
        <dt>Access key id</dt><dd>${grant.access_key_id || "—"}</dd>
        <dt>Asked for</dt><dd>${(grant.requested_actions || []).join(", ") || "—"}</dd>
        <dt>Granted</dt><dd id="grant-actions">${(grant.actions || []).join(", ")}</dd>
        <dt>Resources</dt><dd>${(grant.resources || []).length ? grant.resources.join(", ") : "* (every resource)"}</dd>
      </dl>
      ${whoami && whoami.admin && grant.status === "issued" && html`
        <p><button type="button" id="grant-revoke" onClick=${revoke}>Revoke this grant</button></p>`}
      ${notice && html`<p role="status" id="grant-notice">${notice}</p>`}
      <h3 id="policy-heading">Session policy (${policy.length.toLocaleString("en")} of 2,048 characters)</h3>
      ${policy ? html`<pre id="policy-document" tabindex="0">${policy}</pre>` : html`<p class="muted">No policy document.</p>`}
    </section>`;
}

// ---- Approvals (the team server) ----

// A request's id in a path: ids are the server's own, but never trusted.
const requestPath = (id, action = "") => `/v1/requests/${encodeURIComponent(id)}${action}`;

// An API refusal in words, with the rule that made it (the same rule names
// `tryaudex requests` prints: policies.NAME.approval.self, .groups, ...).
function refusalText(verb, e) {
  const why = {
    self: "you asked for this access, and nobody may decide their own request",
    groups: "you are in none of the groups that decide this request",
    once: "you have approved this request already",
    status: "it is not pending any more",
    pending_ttl: "it expired before anyone decided it",
    review: "it has been reviewed already",
  }[(e.rule || "").split(".").pop()];
  return `Not ${verb}: ${e.message}${why ? ` (${why})` : ""}${e.rule ? ` [rule ${e.rule}]` : ""}`;
}

// What a grant gives beyond what was literally typed: the actions a profile
// or the plan added to `requested_actions`, and what each wildcard expands
// to today (GET /v1/plan's `patterns`, as the Policy explorer shows them).
function Beyond({ grant }) {
  const asked = new Set(grant.requested_actions || []);
  const added = (grant.actions || []).filter((a) => !asked.has(a));
  const wildcards = (grant.actions || []).filter((a) => /[*?]/.test(a));
  const [patterns, setPatterns] = useState(null);
  const [error, setError] = useState("");
  const key = wildcards.join(",");
  useEffect(() => {
    if (!key) { setPatterns([]); return; }
    api(`/v1/plan${query({ allow: key })}`)
      .then((body) => setPatterns(body.ok ? body.patterns : []))
      .catch((e) => setError(e.message));
  }, [key]);
  return html`
    <dt>Beyond the request</dt>
    <dd class="beyond">
      ${added.length
        ? html`<span>${grant.profile ? `Added by profile ${grant.profile} or the plan: ` : "Added by the plan: "}</span>
            <span class="added">${added.join(", ")}</span>`
        : html`<span>Nothing added to what was typed.</span>`}
      ${wildcards.length > 0 && html`<br />Wildcards grant every matching action:
        ${error ? html` <span class="error">(cannot expand: ${error})</span>`
          : !patterns ? " …"
          : html`<ul class="wildcards">${patterns.map((p) => html`<li key=${p.pattern}><code>${p.pattern}</code>: ${p.actions.length} action${p.actions.length === 1 ? "" : "s"}
              <details><summary>show</summary>${p.actions.map((a) => a.action).join(", ")}</details></li>`)}</ul>`}`}
    </dd>`;
}

// One request awaiting a decision (or, for a break-glass grant, a review),
// with its own reason field and buttons.
function RequestCard({ request, mode, onDecided }) {
  const [reason, setReason] = useState("");
  const [notice, setNotice] = useState(null);
  const [busy, setBusy] = useState(false);
  const reasonRef = useRef(null);
  const id = request.request_id;
  const grant = request.grant || {};
  const policy = grant.policy ? JSON.stringify(grant.policy) : "";
  const own = whoami && request.requester === whoami.caller;
  const decide = (action, verb) => {
    const text = reason.trim();
    // A denial and a review need a reason (the API refuses them without one).
    if (action !== ":approve" && !text) {
      setNotice({ bad: true, text: `A reason is required to ${verb === "denied" ? "deny" : "review"}: type it above.` });
      if (reasonRef.current) reasonRef.current.focus();
      return;
    }
    setBusy(true);
    api(requestPath(id, action), { method: "POST", json: text ? { reason: text } : {} })
      .then((body) => {
        setNotice({ bad: false, text: `${verb[0].toUpperCase()}${verb.slice(1)}: request ${id} is now ${body.status}${body.grant ? `, its grant ${body.grant.status}` : ""}.` });
        onDecided(`Request ${id} ${verb}.`);
      })
      .catch((e) => setNotice({ bad: true, text: refusalText(verb, e) }))
      .finally(() => setBusy(false));
  };
  const heading = `request-${id}-heading`;
  return html`
    <article class="request" data-request-id=${id} aria-labelledby=${heading}>
      <h3 id=${heading}>${request.break_glass ? "Break-glass grant" : "Request"} <code>${id}</code> from <strong>${request.requester}</strong>${own ? " (yours)" : ""}</h3>
      <dl class="facts">
        <dt>Reason</dt><dd class="request-reason">${grant.reason || "—"}</dd>
        <dt>Rule</dt><dd class="request-rule">${request.rule}</dd>
        ${mode === "pending"
          ? html`<dt>Approvals</dt><dd class="request-approvals">${request.approvals.length} of ${request.required_approvals}${" "}
              (from ${request.approver_groups.join(" or ")})${request.approvals.length ? `: ${request.approvals.map((a) => a.approver).join(", ")}` : ""}</dd>
            <dt>Expires</dt><dd>${formatTime(request.expires_at)} unless decided</dd>`
          : html`<dt>Issued</dt><dd>${formatTime(grant.issued_at) || "—"} (grant ${grant.status}, until ${formatTime(grant.expires_at) || "—"})</dd>
            <dt>Reviewers</dt><dd>${request.approver_groups.join(" or ")}, or an admin</dd>`}
        <dt>Role</dt><dd>${grant.role || "—"}</dd>
        <dt>TTL</dt><dd>${grant.ttl_seconds ? `${Math.round(grant.ttl_seconds / 60)} min` : "—"}</dd>
        <dt>Asked for</dt><dd>${(grant.requested_actions || []).join(", ") || (grant.profile ? `profile ${grant.profile}` : "—")}</dd>
        <dt>Granted</dt><dd class="request-actions">${(grant.actions || []).join(", ")}</dd>
        <dt>Resources</dt><dd>${(grant.resources || []).length ? grant.resources.join(", ") : "* (every resource)"}</dd>
        <${Beyond} grant=${grant} />
      </dl>
      <h4 id=${`request-${id}-policy`}>Session policy the grant gets (${policy.length.toLocaleString("en")} of 2,048 characters)</h4>
      ${policy ? html`<pre class="request-policy" tabindex="0">${policy}</pre>`
        : html`<p class="muted">No policy document.</p>`}
      <form class="decide" onSubmit=${(e) => e.preventDefault()}>
        <div class="field"><label for=${`request-${id}-reason`}>Reason${mode === "pending" ? " (required to deny)" : " (required)"}</label>
          <textarea id=${`request-${id}-reason`} class="decision-reason" rows="2" ref=${reasonRef}
            value=${reason} onInput=${(e) => setReason(e.target.value)}></textarea></div>
        <p class="buttons">
          ${mode === "pending"
            ? html`<button type="button" class="approve" disabled=${busy} onClick=${() => decide(":approve", "approved")}>Approve</button>
                <button type="button" class="deny" disabled=${busy} onClick=${() => decide(":deny", "denied")}>Deny</button>`
            : html`<button type="button" class="review" disabled=${busy} onClick=${() => decide(":review", "reviewed")}>Mark reviewed</button>`}
        </p>
      </form>
      ${notice && html`<p class=${`decision-notice ${notice.bad ? "error" : "ok"}`} role=${notice.bad ? "alert" : "status"}>${notice.text}</p>`}
    </article>`;
}

// GET /v1/requests?status=pending (what the caller made or may decide; an
// admin: all) and ?status=review (break-glass grants awaiting review),
// polled like the other lists; the server decides who may act.
function Approvals() {
  const [pending, setPending] = useState(null);
  const [review, setReview] = useState(null);
  const [error, setError] = useState("");
  const [done, setDone] = useState("");
  const seen = useRef({ pending: "", review: "" });
  const load = async () => {
    try {
      const [p, r] = await Promise.all([api(`/v1/requests${query({ status: "pending", limit: "200" })}`),
        api(`/v1/requests${query({ status: "review", limit: "200" })}`)]);
      setError("");
      // Redraw only when a list changed, so a reason being typed survives.
      const ps = JSON.stringify(p.requests), rs = JSON.stringify(r.requests);
      if (ps !== seen.current.pending) { seen.current.pending = ps; setPending(p.requests); }
      if (rs !== seen.current.review) { seen.current.review = rs; setReview(r.requests); }
    } catch (e) {
      setError(e.message);
    }
  };
  useEffect(() => {
    load();
    const timer = setInterval(load, POLL_MS);
    return () => clearInterval(timer);
  }, []);
  const decided = (text) => { setDone(text); load(); };
  const count = (list, what) => (list ? `${list.length} ${what}` : "Loading…");
  return html`
    <section aria-labelledby="approvals-heading">
      <${Heading} id="approvals-heading">Approvals<//>
      <p class="muted">Requests you made or may decide${whoami && whoami.admin ? " (an admin sees all)" : ""}. The policy shown is exactly what STS will be sent.</p>
      ${error && html`<p class="error" role="alert">${error}</p>`}
      <p id="approvals-done" role="status" aria-live="polite">${done}</p>
      <section aria-labelledby="pending-heading" id="pending-requests">
        <h3 id="pending-heading">Pending: <span id="pending-count">${count(pending, pending && pending.length === 1 ? "request" : "requests")}</span></h3>
        ${(pending || []).map((r) => html`<${RequestCard} key=${r.request_id} request=${r} mode="pending" onDecided=${decided} />`)}
      </section>
      <section aria-labelledby="review-heading" id="review-requests">
        <h3 id="review-heading">Break-glass awaiting review: <span id="review-count">${count(review, review && review.length === 1 ? "grant" : "grants")}</span></h3>
        ${(review || []).map((r) => html`<${RequestCard} key=${r.request_id} request=${r} mode="review" onDecided=${decided} />`)}
      </section>
    </section>`;
}

// ---- Policy explorer ----

function Explorer() {
  const [allow, setAllow] = useState("");
  const [profile, setProfile] = useState("");
  const [resource, setResource] = useState("");
  const [profiles, setProfiles] = useState([]);
  const [result, setResult] = useState(null);
  const [error, setError] = useState("");
  useEffect(() => {
    api(PROFILES_PATH).then((body) => setProfiles(body.profiles)).catch((e) => setError(e.message));
  }, []);
  useEffect(() => {
    if (!allow.trim() && !profile) { setResult(null); return undefined; }
    let stopped = false;
    // Live as the person types, a moment after the last key.
    const timer = setTimeout(() => {
      api(`${EXPLAIN_PATH}${query({ allow: allow.trim(), profile, resource: resource.trim() })}`)
        .then((body) => { if (!stopped) { setResult(body); setError(""); } })
        .catch((e) => { if (!stopped) setError(e.message); });
    }, 250);
    return () => { stopped = true; clearTimeout(timer); };
  }, [allow, profile, resource]);
  const plan = result && result.ok ? result.plan : null;
  const removed = plan ? [...plan.denied.map((r) => ({ ...r, kind: "denied" })), ...plan.covered.map((r) => ({ ...r, kind: "covered" })), ...plan.dropped.map((r) => ({ ...r, kind: "dropped" }))] : [];
  return html`
    <section aria-labelledby="explorer-heading">
      <${Heading} id="explorer-heading">Policy explorer<//>
      <p class="muted">${SERVER
        ? html`What this server would plan for a grant (<code>GET /v1/plan</code>): its profiles and deny list, the same resolution and packing; whether your rule set allows it is decided when you ask.`
        : html`What <code>tryaudex run --dry-run</code> would plan: the same resolution, deny list, catalog checks and packing.`}</p>
      <form class="filters" aria-label="What to resolve" onSubmit=${(e) => e.preventDefault()}>
        <${Field} label="--allow (actions, comma-separated)" id="explore-allow">
          <textarea id="explore-allow" rows="2" value=${allow} onInput=${(e) => setAllow(e.target.value)} placeholder="s3:Get*, s3:ListBucket"></textarea><//>
        <${Field} label="--profile" id="explore-profile">
          <select id="explore-profile" value=${profile} onChange=${(e) => setProfile(e.target.value)}>
            <option value="">none</option>
            ${profiles.map((p) => html`<option key=${p.name} value=${p.name}>${p.name}</option>`)}
          </select><//>
        <${Field} label="--resource" id="explore-resource">
          <input id="explore-resource" value=${resource} onInput=${(e) => setResource(e.target.value)} placeholder="arn:aws:s3:::bucket/*" /><//>
      </form>
      ${error && html`<p class="error" role="alert">${error}</p>`}
      <div id="explore-result" aria-live="polite">
      ${result && !result.ok && html`<p class="status bad" id="explore-error">${result.error}</p>`}
      ${(result && result.warnings || []).map((w) => html`<p class="muted">Warning: ${w}</p>`)}
      ${plan && html`
        <h3>Actions granted</h3>
        <div class="table-wrap"><table id="explore-actions">
          <thead><tr><th scope="col">Action or pattern</th><th scope="col">From</th><th scope="col">Actions today</th></tr></thead>
          <tbody>${plan.actions.map((a) => html`<tr key=${a.action}><td><code>${a.action}</code></td><td>${a.origin}</td><td>${a.matches ?? 1}</td></tr>`)}</tbody>
        </table></div>
        ${result.patterns.map((p) => html`
          <details class="pattern" data-pattern=${p.pattern}>
            <summary><code>${p.pattern}</code>: <span class="count">${p.count}</span> action${p.count === 1 ? "" : "s"}</summary>
            <div class="table-wrap"><table>
              <thead><tr><th scope="col">Action</th><th scope="col">Access level</th></tr></thead>
              <tbody>${p.actions.map((a) => html`<tr key=${a.action}><td>${a.action}</td><td>${a.access_level}</td></tr>`)}</tbody>
            </table></div>
          </details>`)}
        <h3>Removed</h3>
        ${removed.length === 0 ? html`<p class="muted" id="explore-removed">Nothing: the deny list removed no action.</p>` : html`
          <ul id="explore-removed">${removed.map((r) => html`<li key=${r.kind + r.action}><code>${r.action}</code> (${r.kind}): ${r.reason}</li>`)}</ul>`}
        <h3 id="explore-policy-heading">Session policy: <span id="explore-size">${result.policy_size.toLocaleString("en")}</span> of ${result.policy_limit.toLocaleString("en")} characters</h3>
        <progress max=${result.policy_limit} value=${Math.min(result.policy_size, result.policy_limit)} aria-labelledby="explore-policy-heading"></progress>
        ${result.policy_document ? html`<pre id="explore-policy" tabindex="0">${JSON.stringify(JSON.parse(result.policy_document), null, 2)}</pre>` : html`<p class="muted">No policy document for this provider.</p>`}`}
      </div>
      <${Compare} profiles=${profiles.filter((p) => !p.provider || p.provider === "aws")} />
      <${Drift} />
    </section>`;
}

// ---- Activity ----

// Chart.js (pinned in package-lock.json, compiled in like the rest, loaded
// by index.html as window.Chart). Every chart has its numbers in a table
// beside it: the table is what a screen reader reads and what a test checks.
const PALETTE = ["#0b5cad", "#b35900", "#2e7d32", "#8e24aa", "#c62828", "#00838f", "#5d4037", "#455a64"];

function ChartCanvas({ id, label, config }) {
  const ref = useRef(null);
  const data = JSON.stringify(config.data);
  useEffect(() => {
    if (!window.Chart || !ref.current) return undefined;
    const chart = new window.Chart(ref.current, {
      ...config,
      options: { animation: false, responsive: true, maintainAspectRatio: false, ...(config.options || {}) },
    });
    return () => chart.destroy();
  }, [data]);
  return html`<div class="chart"><canvas id=${id} ref=${ref} role="img" aria-label=${label}></canvas></div>`;
}

// The days of the window, oldest first ("2026-12-06"), from `since`.
function windowDays(since, days) {
  const first = Date.parse(since);
  return Array.from({ length: days }, (_, i) => new Date(first + i * 86400000).toISOString().slice(0, 10));
}

function Activity() {
  const [days, setDays] = useState("14");
  const [data, setData] = useState(null);
  const [error, setError] = useState("");
  useEffect(() => {
    api(`${SERVER ? "/v1/activity" : "/api/v1/activity"}${query({ days })}`)
      .then((body) => { setData(body); setError(""); })
      .catch((e) => setError(e.message));
  }, [days]);
  const noun = SERVER ? "grants" : "sessions";
  let charts = null;
  if (data) {
    const labels = windowDays(data.since, data.days);
    const seriesNames = [...new Set(data.sessions_by_day.map((r) => `${r.provider} / ${r.profile || "no profile"}`))];
    const datasets = seriesNames.map((name, i) => ({
      label: name,
      backgroundColor: PALETTE[i % PALETTE.length],
      data: labels.map((day) => data.sessions_by_day
        .filter((r) => r.day === day && `${r.provider} / ${r.profile || "no profile"}` === name)
        .reduce((sum, r) => sum + r.count, 0)),
    }));
    const sts = data.sts_latency;
    let previous = 0;
    const stsRows = sts ? sts.buckets.map((b) => { const n = b.count - previous; previous = b.count; return { le: b.le_ms, count: n }; }) : [];
    charts = html`
      <h3 id="by-day-heading">${SERVER ? "Grants" : "Sessions"} per day by provider and profile</h3>
      <${ChartCanvas} id="chart-by-day" label=${`${noun} per day, stacked by provider and profile; the numbers are in the table below`}
        config=${{ type: "bar", data: { labels, datasets }, options: { scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true, ticks: { precision: 0 } } } } }} />
      <div class="table-wrap"><table id="activity-by-day">
        <caption class="muted">${data.sessions_by_day.length ? `The numbers of the chart (${data.scope === "caller" ? "your own" : data.scope === "local" ? "this machine's" : "everyone's"} ${noun})` : `No ${noun} in these days.`}</caption>
        <thead><tr><th scope="col">Day (UTC)</th><th scope="col">Provider</th><th scope="col">Profile</th><th scope="col">${SERVER ? "Grants" : "Sessions"}</th></tr></thead>
        <tbody>${data.sessions_by_day.map((r) => html`<tr key=${r.day + r.provider + r.profile}><td>${r.day}</td><td>${r.provider}</td><td>${r.profile || "—"}</td><td>${r.count}</td></tr>`)}</tbody>
      </table></div>
      <h3 id="actions-heading">Most requested actions</h3>
      <${ChartCanvas} id="chart-actions" label="the most requested actions; the numbers are in the table below"
        config=${{ type: "bar", data: { labels: data.top_actions.map((a) => a.action), datasets: [{ label: noun, backgroundColor: PALETTE[0], data: data.top_actions.map((a) => a.count) }] },
          options: { indexAxis: "y", plugins: { legend: { display: false } }, scales: { x: { beginAtZero: true, ticks: { precision: 0 } } } } }} />
      <div class="table-wrap"><table id="activity-actions">
        <thead><tr><th scope="col">Action</th><th scope="col">${SERVER ? "Grants" : "Sessions"} asking for it</th></tr></thead>
        <tbody>${data.top_actions.map((a) => html`<tr key=${a.action}><td><code>${a.action}</code></td><td>${a.count}</td></tr>`)}</tbody>
      </table></div>
      <h3 id="refusals-heading">Refusals by rule</h3>
      ${SERVER ? html`
        <${ChartCanvas} id="chart-refusals" label="refused grant requests by the rule that refused them; the numbers are in the table below"
          config=${{ type: "bar", data: { labels: data.refusals.map((r) => r.rule), datasets: [{ label: "refusals", backgroundColor: PALETTE[4], data: data.refusals.map((r) => r.count) }] },
            options: { plugins: { legend: { display: false } }, scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } } }} />
        <div class="table-wrap"><table id="activity-refusals">
          <caption class="muted">${data.refusals.length ? "grant_refused events in the audit chain" : "No refusals in these days."}</caption>
          <thead><tr><th scope="col">Rule</th><th scope="col">Refusals</th></tr></thead>
          <tbody>${data.refusals.map((r) => html`<tr key=${r.rule}><td><code>${r.rule}</code></td><td>${r.count}</td></tr>`)}</tbody>
        </table></div>`
        : html`<p class="muted">Locally the CLI refuses a request before any session exists, and records nothing: the team server's Activity counts its refusals.</p>`}
      <h3 id="sts-heading">STS latency</h3>
      ${sts ? html`
        <p id="activity-sts-summary">${sts.calls} STS call${sts.calls === 1 ? "" : "s"}, ${sts.mean_ms} ms on average (${sts.source}).</p>
        <${ChartCanvas} id="chart-sts" label="STS calls by how long they took; the numbers are in the table below"
          config=${{ type: "bar", data: { labels: stsRows.map((b) => `≤ ${b.le} ms`), datasets: [{ label: "STS calls", backgroundColor: PALETTE[2], data: stsRows.map((b) => b.count) }] },
            options: { plugins: { legend: { display: false } }, scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } } }} />
        <div class="table-wrap"><table id="activity-sts">
          <thead><tr><th scope="col">Took at most</th><th scope="col">Calls</th></tr></thead>
          <tbody>${stsRows.map((b) => html`<tr key=${b.le}><td>${b.le} ms</td><td>${b.count}</td></tr>`)}</tbody>
        </table></div>`
        : html`<p class="muted">Local sessions do not record how long STS took; the team server's Activity shows it.</p>`}`;
  }
  return html`
    <section aria-labelledby="activity-heading">
      <${Heading} id="activity-heading">Activity<//>
      <form class="filters" aria-label="Which days" onSubmit=${(e) => e.preventDefault()}>
        <${Field} label="Days" id="activity-days">
          <select id="activity-days" value=${days} onChange=${(e) => setDays(e.target.value)}>
            <option value="7">7</option><option value="14">14</option><option value="30">30</option><option value="90">90</option>
          </select><//>
      </form>
      ${error && html`<p class="error" role="alert">${error}</p>`}
      <div id="activity-result">${data ? charts : html`<p>Loading…</p>`}</div>
    </section>`;
}

// ---- Comparing two profiles, and a drift report ----

// The actions a plan grants, each wildcard expanded as `policies expand`
// does (the explain reply's "patterns"): what two profiles are compared on.
function planActions(result) {
  const actions = new Set();
  const patterns = new Map(result.patterns.map((p) => [p.pattern, p.actions.map((a) => a.action)]));
  for (const granted of result.plan.actions) {
    if (patterns.has(granted.action)) patterns.get(granted.action).forEach((a) => actions.add(a));
    else actions.add(granted.action);
  }
  return actions;
}

function Compare({ profiles }) {
  const [a, setA] = useState("");
  const [b, setB] = useState("");
  const [results, setResults] = useState(null);
  const [error, setError] = useState("");
  useEffect(() => {
    if (!a || !b) { setResults(null); return; }
    Promise.all([a, b].map((name) => api(`${EXPLAIN_PATH}${query({ profile: name })}`)))
      .then((both) => {
        const failed = both.find((r) => !r.ok);
        if (failed) { setError(failed.error); setResults(null); return; }
        setError("");
        setResults(both);
      })
      .catch((e) => setError(e.message));
  }, [a, b]);
  let diff = null;
  if (results) {
    const [left, right] = results.map(planActions);
    const onlyA = [...left].filter((x) => !right.has(x)).sort();
    const onlyB = [...right].filter((x) => !left.has(x)).sort();
    const both = [...left].filter((x) => right.has(x)).sort();
    const list = (id, title, items) => html`
      <div class="column"><h4 id=${`${id}-heading`}>${title}: <span class="count" id=${`${id}-count`}>${items.length}</span></h4>
        <ul id=${id} aria-labelledby=${`${id}-heading`}>${items.map((x) => html`<li key=${x}><code>${x}</code></li>`)}</ul></div>`;
    diff = html`
      <p id="compare-sizes">Session policy sizes: <strong>${a}</strong> ${results[0].policy_size.toLocaleString("en")},
        <strong>${b}</strong> ${results[1].policy_size.toLocaleString("en")} of ${results[0].policy_limit.toLocaleString("en")} characters.</p>
      <div class="columns">
        ${list("compare-only-a", `Only in ${a}`, onlyA)}
        ${list("compare-both", "In both", both)}
        ${list("compare-only-b", `Only in ${b}`, onlyB)}
      </div>`;
  }
  const picker = (id, label, value, set) => html`
    <${Field} label=${label} id=${id}>
      <select id=${id} value=${value} onChange=${(e) => set(e.target.value)}>
        <option value="">choose</option>
        ${profiles.map((p) => html`<option key=${p.name} value=${p.name}>${p.name}</option>`)}
      </select><//>`;
  return html`
    <section aria-labelledby="compare-heading">
      <h3 id="compare-heading">Compare two profiles</h3>
      <p class="muted">Each profile as <code>run --dry-run --profile</code> plans it (deny list applied), wildcards expanded as <code>policies expand</code> does.</p>
      <form class="filters" aria-label="Profiles to compare" onSubmit=${(e) => e.preventDefault()}>
        ${picker("compare-a", "Profile A", a, setA)}${picker("compare-b", "Profile B", b, setB)}
      </form>
      ${error && html`<p class="error" role="alert">${error}</p>`}
      <div aria-live="polite">${diff}</div>
    </section>`;
}

// A `tryaudex drift --json` report the person loads from a file: read in
// the browser (nothing is sent anywhere) and shown as two columns, what the
// role allows beyond the expected set and what the expected set needs that
// the role does not allow. The dashboard does not call IAM itself: that
// needs base credentials with IAM read rights, which a loopback page
// should not wield.
function Drift() {
  const [report, setReport] = useState(null);
  const [error, setError] = useState("");
  const load = (event) => {
    const file = event.target.files[0];
    if (!file) return;
    file.text().then((text) => {
      const parsed = JSON.parse(text);
      if (!parsed || !Array.isArray(parsed.additional) || !Array.isArray(parsed.missing) || !parsed.summary) {
        throw new Error("this is not the JSON of tryaudex drift --json");
      }
      setReport(parsed);
      setError("");
    }).catch((e) => { setReport(null); setError(`Cannot read ${file.name}: ${e.message}`); });
  };
  const entry = (e) => html`<li key=${e.action}><code>${e.action}</code>${e.conditional ? " (conditional)" : ""}
    ${(e.policies || []).length ? html` <span class="muted">— ${e.policies.join(", ")}${e.via ? ` via ${e.via}` : ""}</span>` : ""}
    ${(e.reasons || []).length ? html` <span class="muted">— ${e.reasons.join("; ")}</span>` : ""}</li>`;
  return html`
    <section aria-labelledby="drift-heading">
      <h3 id="drift-heading">Drift report</h3>
      <p class="muted">Load the output of <code>tryaudex drift --role-arn ARN --expected-policy PROFILE --json</code>.</p>
      <div class="field"><label for="drift-file">Drift report (JSON)</label>
        <input type="file" id="drift-file" accept=".json,application/json" onChange=${load} /></div>
      ${error && html`<p class="error" role="alert">${error}</p>`}
      ${report && html`
        <p id="drift-verdict" class=${`status ${report.drift ? "bad" : "ok"}`}>${report.drift ? "Drift" : "No drift"}: role <code>${report.role_arn}</code> against ${report.expected.kind} <strong>${report.expected.name}</strong>.
          ${report.summary.expected} expected, ${report.summary.granted} allowed by the role, ${report.summary.matched} matched.</p>
        <div class="columns two">
          <div class="column"><h4 id="drift-additional-heading">The role allows, ${report.expected.name} does not: <span id="drift-additional-count">${report.additional.length}</span></h4>
            <ul id="drift-additional" aria-labelledby="drift-additional-heading">${report.additional.map(entry)}</ul></div>
          <div class="column"><h4 id="drift-missing-heading">${report.expected.name} needs, the role does not allow: <span id="drift-missing-count">${report.missing.length}</span></h4>
            <ul id="drift-missing" aria-labelledby="drift-missing-heading">${report.missing.map(entry)}</ul></div>
        </div>
        ${report.limited.length > 0 && html`<p class="muted">Expected but conditional on the role: ${report.limited.map((e) => e.action).join(", ")}</p>`}`}
    </section>`;
}

// ---- The frame ----

// The hash names the view, so the skip link moves focus instead of the hash.
function skipToMain(event) {
  event.preventDefault();
  document.getElementById("main").focus();
}

// The views each face has; Approvals only on the server (the local
// dashboard has no approvals).
const VIEWS = SERVER
  ? [["#/grants", "Grants"], ["#/approvals", "Approvals"], ["#/audit", "Audit"], ["#/explorer", "Policy explorer"], ["#/activity", "Activity"]]
  : [["#/sessions", "Sessions"], ["#/audit", "Audit"], ["#/explorer", "Policy explorer"], ["#/activity", "Activity"]];

// Signing out ends the session in the server's store (POST, with the CSRF
// token), then goes back to the login page.
function signOut() {
  api("/ui/logout", { method: "POST" }).catch(() => {}).finally(() => location.assign("/ui/login"));
}

function App() {
  const hash = useHash();
  let view;
  const session = !SERVER && hash.match(/^#\/sessions\/([A-Za-z0-9_-]+)$/);
  const grant = SERVER && hash.match(/^#\/grants\/([A-Za-z0-9_-]+)$/);
  if (session) view = html`<${SessionPage} id=${session[1]} key=${session[1]} />`;
  else if (grant) view = html`<${GrantPage} id=${grant[1]} key=${grant[1]} />`;
  else if (SERVER && hash === "#/approvals") view = html`<${Approvals} />`;
  else if (hash === "#/audit") view = html`<${Audit} />`;
  else if (hash === "#/explorer") view = html`<${Explorer} />`;
  else if (hash === "#/activity") view = html`<${Activity} />`;
  else view = SERVER ? html`<${Grants} />` : html`<${Sessions} />`;
  const current = session ? "#/sessions" : grant ? "#/grants" : hash;
  return html`
    <a class="skip" href="#main" onClick=${skipToMain}>Skip to content</a>
    <header>
      <h1>Audex ${SERVER ? "server" : "dashboard"}</h1>
      <nav aria-label="Views"><ul>
        ${VIEWS.map(([href, label]) => html`<li><a href=${href} aria-current=${current === href ? "page" : undefined}>${label}</a></li>`)}
      </ul></nav>
      ${SERVER && whoami && html`<p class="who" id="who">Signed in as <strong>${whoami.caller}</strong> (policy ${whoami.policy}${whoami.admin ? ", admin" : ""})${" "}
        <button type="button" id="sign-out" onClick=${signOut}>Sign out</button></p>`}
    </header>
    <main id="main" tabindex="-1">${view}</main>`;
}

// The static "Loading" text goes first: render() keeps what it did not make.
async function start() {
  if (SERVER) {
    // Who is signed in, and the CSRF token of the session (GET /v1/whoami).
    whoami = await api("/v1/whoami");
  }
  const root = document.getElementById("app");
  root.textContent = "";
  render(html`<${App} />`, root);
}
start();
