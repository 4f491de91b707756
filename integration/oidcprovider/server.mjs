// An oidc-provider 9.13.3 authorization server for authspec's integration
// test, configured the way its documentation describes for a plain OAuth 2.0
// deployment with OpenID Connect on top; nothing here is tuned to authspec.
//
//   node server.mjs [port]          (or PORT=...; 0, the default, picks a free port)
//   READY_FILE=path node server.mjs (the issuer URL is written there once listening)
//
// It listens on 127.0.0.1 only and prints the issuer URL on stdout as
// "issuer: URL". Everything lives in memory and ends with the process.
//
// Features: open dynamic client registration (RFC 7591, no initial access
// token) with registration management (RFC 7592); resource indicators (RFC
// 8707) for one resource server, RESOURCE (default ISSUER/api); the client
// credentials grant; revocation (RFC 7009); introspection (RFC 7662); PKCE,
// S256 only (the only method oidc-provider 9 implements; required for public
// clients); refresh tokens; the authorization response iss parameter (RFC
// 9207, always on in 9.x); DPoP (RFC 9449); devInteractions, the built-in login and consent
// pages, for one account, USERNAME (default alice).
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:http';

import Provider, { errors } from 'oidc-provider';

const port = Number(process.argv[2] ?? process.env.PORT ?? 0);
const username = process.env.USERNAME_ALLOWED ?? 'alice';

// Signing keys are made at start: oidc-provider's built-in development keys
// are public. RS256 is the default ID token algorithm; ES256 is offered too.
function signingKey(type, options, alg) {
  const { privateKey } = generateKeyPairSync(type, options);
  return { ...privateKey.export({ format: 'jwk' }), use: 'sig', alg, kid: `${alg.toLowerCase()}-${randomBytes(4).toString('hex')}` };
}
const jwks = {
  keys: [
    signingKey('rsa', { modulusLength: 2048 }, 'RS256'),
    signingKey('ec', { namedCurve: 'P-256' }, 'ES256'),
  ],
};

// The one person who can sign in. devInteractions' login page takes any
// login and password (it is a development page); findAccount is where an
// unknown account is refused, which sends the person back to the login page.
const accounts = new Map([[username, {
  accountId: username,
  async claims() { return { sub: username, name: username }; },
}]]);

const server = createServer();
server.listen(port, '127.0.0.1', () => {
  const issuer = `http://127.0.0.1:${server.address().port}`;
  const resource = process.env.RESOURCE ?? `${issuer}/api`;

  const provider = new Provider(issuer, {
    jwks,
    cookies: { keys: [randomBytes(32).toString('base64url')] },
    async findAccount(ctx, id) { return accounts.get(id); },
    claims: { openid: ['sub'], profile: ['name'] },
    scopes: ['openid', 'offline_access', 'profile'],

    features: {
      devInteractions: { enabled: true },
      registration: { enabled: true, initialAccessToken: false },
      registrationManagement: { enabled: true },
      clientCredentials: { enabled: true },
      revocation: { enabled: true },
      introspection: { enabled: true },
      // RFC 9449 DPoP, with oidc-provider's defaults (no server nonces).
      dPoP: { enabled: true },
      resourceIndicators: {
        enabled: true,
        // A request that names no resource gets no resource-bound token, and
        // one that names several must pick one at the token endpoint
        // (oidc-provider's default). useGrantedResource keeps its default
        // too: a token request without a resource gets the granted resource
        // unless the grant is an OpenID one (then the token is for userinfo).
        defaultResource(ctx, client, oneOf) { return oneOf; },
        // The one resource server this authorization server knows. Any
        // other resource is refused with invalid_target (RFC 8707 §2).
        getResourceServerInfo(ctx, resourceIndicator) {
          if (resourceIndicator !== resource) {
            throw new errors.InvalidTarget();
          }
          return {
            scope: 'read write',
            audience: resource,
            accessTokenTTL: 3600,
            accessTokenFormat: 'jwt',
            jwt: { sign: { alg: 'ES256' } },
          };
        },
      },
      // RFC 9126 (on by default in this version; said here so that the
      // suite's PAR checks are known to run). PAR stays optional.
      pushedAuthorizationRequests: { enabled: true, requirePushedAuthorizationRequests: false },
      // JAR (RFC 9101): Request Objects, which the PAR endpoint then takes
      // too (RFC 9126 §3), so that the suite's Request Object checks run.
      requestObjects: { enabled: true },
    },

    // oidc-provider's default issues a refresh token only for OpenID
    // requests with offline_access. This server also issues one to OAuth 2.0
    // (non-OpenID) code flows of clients registered for the refresh_token
    // grant, as a plain OAuth 2.0 server does (RFC 6749 §1.5, §4.1.4);
    // OpenID requests keep the offline_access rule.
    async issueRefreshToken(ctx, client, code) {
      if (!client.grantTypeAllowed('refresh_token')) return false;
      return code.scopes.has('offline_access') || !code.scopes.has('openid');
    },

    ttl: {
      AccessToken: 3600,
      AuthorizationCode: 60,
      ClientCredentials: 600,
      Grant: 14 * 24 * 3600,
      Interaction: 3600,
      RefreshToken: 14 * 24 * 3600,
      Session: 14 * 24 * 3600,
    },
  });

  // Log every refused request: the test prints this log when it fails.
  provider.on('server_error', (ctx, err) => console.error('server_error', err));
  provider.on('grant.error', (ctx, err) => console.error('grant.error', err.message, err.error_description ?? ''));

  server.on('request', provider.callback());
  console.log(`issuer: ${issuer}`);
  console.log(`resource: ${resource}`);
  if (process.env.READY_FILE) writeFileSync(process.env.READY_FILE, issuer);
});

for (const sig of ['SIGINT', 'SIGTERM']) {
  process.on(sig, () => process.exit(0));
}
