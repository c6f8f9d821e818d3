// Plays the person at the browser in the device flow: opens the
// verification page of tests/oidc/oidc_provider.mjs, types the user code,
// confirms it, signs in and consents, all through the provider's own HTML
// forms over HTTP (fetch, with a cookie jar).
//   node complete_device_login.mjs VERIFICATION_URI USER_CODE LOGIN [confirm|abort]
// Exits 0 when the provider shows its success page (or, with "abort", its
// "interrupted" page); anything else exits 1 with the last page on stderr.
const [verificationUri, userCode, login, choice = 'confirm'] = process.argv.slice(2);
const cookies = new Map();

function remember(response) {
  for (const line of response.headers.getSetCookie()) {
    const [pair] = line.split(';');
    const at = pair.indexOf('=');
    cookies.set(pair.slice(0, at).trim(), pair.slice(at + 1));
  }
}

async function request(url, form) {
  const headers = { cookie: [...cookies].map(([k, v]) => `${k}=${v}`).join('; ') };
  const init = { redirect: 'manual', headers };
  if (form) {
    init.method = 'POST';
    init.body = new URLSearchParams(form).toString();
    headers['content-type'] = 'application/x-www-form-urlencoded';
  }
  const response = await fetch(url, init);
  remember(response);
  return response;
}

// The first <form> of a page: its action and its hidden inputs.
function firstForm(html, pageUrl) {
  const form = html.match(/<form[^>]*action="([^"]*)"[^>]*>([\s\S]*?)<\/form>/);
  if (!form) return null;
  const fields = {};
  for (const input of form[2].matchAll(/<input[^>]*>/g)) {
    const name = input[0].match(/name="([^"]*)"/);
    const value = input[0].match(/value="([^"]*)"/);
    if (name && /type="hidden"/.test(input[0])) fields[name[1]] = value ? value[1] : '';
  }
  return { action: new URL(form[1].replaceAll('&amp;', '&'), pageUrl).href, fields, html: form[0] };
}

let response = await request(verificationUri);
let url = verificationUri;
for (let step = 0; step < 20; step += 1) {
  if (response.status >= 300 && response.status < 400) {
    url = new URL(response.headers.get('location'), url).href;
    response = await request(url);
    continue;
  }
  const html = await response.text();
  if (/Sign-in Success/.test(html) && choice === 'confirm') process.exit(0);
  if (/interrupted/.test(html) && choice === 'abort') process.exit(0);
  const form = firstForm(html, url);
  if (!form) {
    process.stderr.write(`no form on ${url} (HTTP ${response.status}):\n${html}\n`);
    process.exit(1);
  }
  const fields = { ...form.fields };
  if (form.html.includes('op.deviceInputForm')) {
    fields.user_code = userCode;
  } else if (form.html.includes('op.deviceConfirmForm')) {
    if (choice === 'abort') {
      delete fields.confirm;
      fields.abort = 'yes';
    }
  } else if (fields.prompt === 'login') {
    fields.login = login;
    fields.password = 'any password';
  } else if (fields.prompt !== 'consent') {
    process.stderr.write(`unexpected form on ${url}:\n${html}\n`);
    process.exit(1);
  }
  url = form.action;
  response = await request(url, fields);
}
process.stderr.write('the login did not finish within 20 steps\n');
process.exit(1);
