// The certified npm `oidc-provider` on loopback with the device flow (RFC
// 8628) on, as the company IdP people log in with; for
// tests/integration/oidc_device_flow_test.cc. With AUDEX_UI_REDIRECT_URI
// set (the team server's /ui/callback), the same client may also use the
// authorization code flow with PKCE (S256 only, required: oidc-provider's
// default for a public client), as the server's web UI does. Its built-in development
// interactions (devInteractions) provide the login and consent forms: any
// login name with any password signs in as that account.
// Prints {"port": N, "issuer": URL} on stdout once listening on 127.0.0.1.
import { createServer } from 'node:net';
import Provider from 'oidc-provider';
import { exportJWK, generateKeyPair } from 'jose';

// oidc-provider needs its issuer URL before it listens: find a free port
// first (the kernel's choice), then listen on it.
const port = await new Promise((resolve, reject) => {
  const probe = createServer();
  probe.once('error', reject);
  probe.listen(0, '127.0.0.1', () => {
    const { port: free } = probe.address();
    probe.close(() => resolve(free));
  });
});
const issuer = `http://127.0.0.1:${port}`;

// stdout carries only the ready line; oidc-provider's own notices
// (console.info/log) go to stderr, the test's log.
console.log = console.error;
console.info = console.error;

const { privateKey } = await generateKeyPair('RS256', { extractable: true });
const signingKey = { ...(await exportJWK(privateKey)), kid: 'idp-1', alg: 'RS256', use: 'sig' };

const uiRedirect = process.env.AUDEX_UI_REDIRECT_URI || '';

const provider = new Provider(issuer, {
  clients: [{
    client_id: 'audex-cli',
    client_name: 'Audex CLI',
    grant_types: ['urn:ietf:params:oauth:grant-type:device_code', 'refresh_token',
      ...(uiRedirect ? ['authorization_code'] : [])],
    response_types: uiRedirect ? ['code'] : [],
    redirect_uris: uiRedirect ? [uiRedirect] : [],
    token_endpoint_auth_method: 'none',
  }],
  jwks: { keys: [signingKey] },
  features: { deviceFlow: { enabled: true }, devInteractions: { enabled: true } },
  scopes: ['openid', 'offline_access', 'email', 'groups'],
  claims: { openid: ['sub'], email: ['email', 'email_verified'], groups: ['groups'] },
  // Put the scope's claims in the ID token itself: the team server reads
  // the caller's groups from the ID token, not from userinfo.
  conformIdTokenClaims: false,
  async findAccount(ctx, id) {
    return {
      accountId: id,
      async claims() {
        return { sub: id, email: `${id}@example.com`, email_verified: true, groups: ['platform'] };
      },
    };
  },
  cookies: { keys: ['audex-test-cookie-key'] },
  ttl: { DeviceCode: 120, IdToken: 600, AccessToken: 600, RefreshToken: 3600 },
});

provider.listen(port, '127.0.0.1', () => {
  process.stdout.write(`${JSON.stringify({ port, issuer })}\n`);
});
process.on('SIGTERM', () => process.exit(0));
