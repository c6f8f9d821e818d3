// A loopback OIDC issuer shaped like GitHub Actions' token service, for the
// verifier's integration tests (tests/integration/oidc_issuer_test.cc).
// Nothing here is Audex's code under test: it mints with npm's `jose` and
// node:crypto, the way a real issuer would.
//
// Several issuers share one server, each under its own path, each with its
// own keys: http://127.0.0.1:PORT/<name> (like GHES's https://HOST/_services/token).
//   GET  /<name>/.well-known/openid-configuration   discovery (counted)
//   GET  /<name>/.well-known/jwks                   the key set (counted)
//   POST /<name>/rotate                             new current key, old one kept
//   POST /<name>/mint   {claims, omit, mode, kid, key_of, alg}  -> the token
//   GET  /stats                                     fetch counts per issuer
// mode: "signed" (default), "none" (alg none), "hs256-public" (HS256 keyed
// with the issuer's public key PEM), "unknown-alg" (a real RS256 signature
// under the header alg "RS1024"), "tampered" (a signed token whose payload
// was changed afterwards).
// Prints {"port": N} on stdout once listening on 127.0.0.1.
import { createServer } from 'node:http';
import { createSign, randomUUID } from 'node:crypto';
import { SignJWT, exportJWK, exportSPKI, generateKeyPair } from 'jose';

const issuers = {
  gh: { alg: 'RS256', keys: [], discovery: 0, jwks: 0 },
  other: { alg: 'RS256', keys: [], discovery: 0, jwks: 0 },
  ec: { alg: 'ES256', keys: [], discovery: 0, jwks: 0 },
};
let port = 0;
const base = (name) => `http://127.0.0.1:${port}/${name}`;

async function addKey(name) {
  const issuer = issuers[name];
  const { publicKey, privateKey } = await generateKeyPair(issuer.alg, { extractable: true });
  const kid = `${name}-${issuer.keys.length + 1}-${randomUUID().slice(0, 8)}`;
  const jwk = { ...(await exportJWK(publicKey)), kid, alg: issuer.alg, use: 'sig' };
  issuer.keys.push({ kid, publicKey, privateKey, jwk, pem: await exportSPKI(publicKey) });
  return kid;
}

function b64url(data) {
  return Buffer.from(typeof data === 'string' ? data : JSON.stringify(data)).toString('base64url');
}

// GitHub's documented claim set (docs.github.com, "OpenID Connect reference"),
// ids as strings as GitHub sends them.
function githubClaims(name) {
  const now = Math.floor(Date.now() / 1000);
  return {
    iss: base(name),
    aud: 'https://audex.test',
    sub: 'repo:octo-org/deploy:ref:refs/heads/main',
    jti: randomUUID(),
    iat: now,
    nbf: now - 5,
    exp: now + 300,
    actor: 'octocat',
    actor_id: '1001',
    event_name: 'push',
    job_workflow_ref: 'octo-org/deploy/.github/workflows/release.yml@refs/heads/main',
    job_workflow_sha: 'c040cae0f0dc81641728557b80f09cfa23b83fe5',
    ref: 'refs/heads/main',
    ref_protected: 'true',
    ref_type: 'branch',
    repository: 'octo-org/deploy',
    repository_id: '424242',
    repository_owner: 'octo-org',
    repository_owner_id: '2020',
    repository_visibility: 'private',
    run_attempt: '1',
    run_id: '22259804324',
    run_number: '42',
    runner_environment: 'github-hosted',
    sha: 'c040cae0f0dc81641728557b80f09cfa23b83fe5',
    workflow: 'release',
    workflow_ref: 'octo-org/deploy/.github/workflows/release.yml@refs/heads/main',
  };
}

async function mint(name, request) {
  const signer = issuers[request.key_of ?? name];
  const key = signer.keys[signer.keys.length - 1];
  const claims = { ...githubClaims(name), ...(request.claims ?? {}) };
  for (const omitted of request.omit ?? []) delete claims[omitted];
  const kid = request.kid ?? key.kid;
  const mode = request.mode ?? 'signed';
  if (mode === 'none') {
    return `${b64url({ alg: 'none', typ: 'JWT', kid })}.${b64url(claims)}.`;
  }
  if (mode === 'hs256-public') {
    // The key-confusion forgery: the "secret" is the issuer's public key.
    return new SignJWT(claims)
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT', kid })
      .sign(new TextEncoder().encode(key.pem));
  }
  if (mode === 'unknown-alg') {
    const input = `${b64url({ alg: 'RS1024', typ: 'JWT', kid })}.${b64url(claims)}`;
    const signature = createSign('RSA-SHA256').update(input).sign(key.privateKey);
    return `${input}.${signature.toString('base64url')}`;
  }
  const token = await new SignJWT(claims)
    .setProtectedHeader({ alg: signer.alg, typ: 'JWT', kid })
    .sign(key.privateKey);
  if (mode === 'tampered') {
    const [header, , signature] = token.split('.');
    return `${header}.${b64url({ ...claims, repository_id: '999999' })}.${signature}`;
  }
  return token;
}

function send(response, status, body, type = 'application/json') {
  response.writeHead(status, { 'content-type': type });
  response.end(typeof body === 'string' ? body : JSON.stringify(body));
}

const server = createServer((request, response) => {
  let body = '';
  request.on('data', (chunk) => { body += chunk; });
  request.on('end', async () => {
    try {
      const url = new URL(request.url, 'http://127.0.0.1');
      if (url.pathname === '/stats') {
        const stats = {};
        for (const [name, issuer] of Object.entries(issuers)) {
          stats[name] = { discovery: issuer.discovery, jwks: issuer.jwks };
        }
        return send(response, 200, stats);
      }
      const [, name, ...rest] = url.pathname.split('/');
      const issuer = issuers[name];
      if (!issuer) return send(response, 404, { error: 'no such issuer' });
      const path = `/${rest.join('/')}`;
      if (request.method === 'GET' && path === '/.well-known/openid-configuration') {
        issuer.discovery += 1;
        return send(response, 200, {
          issuer: base(name),
          jwks_uri: `${base(name)}/.well-known/jwks`,
          subject_types_supported: ['public', 'pairwise'],
          response_types_supported: ['id_token'],
          id_token_signing_alg_values_supported: [issuer.alg],
          claims_supported: Object.keys(githubClaims(name)),
          scopes_supported: ['openid'],
        });
      }
      if (request.method === 'GET' && path === '/.well-known/jwks') {
        issuer.jwks += 1;
        return send(response, 200, { keys: issuer.keys.map((key) => key.jwk) });
      }
      if (request.method === 'POST' && path === '/rotate') {
        return send(response, 200, { kid: await addKey(name) });
      }
      if (request.method === 'POST' && path === '/mint') {
        return send(response, 200, await mint(name, body ? JSON.parse(body) : {}), 'text/plain');
      }
      return send(response, 404, { error: 'not found' });
    } catch (error) {
      return send(response, 500, { error: String(error) });
    }
  });
});

for (const name of Object.keys(issuers)) await addKey(name);
server.listen(0, '127.0.0.1', () => {
  port = server.address().port;
  process.stdout.write(`${JSON.stringify({ port })}\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
