// An authorization server built from @node-oauth/oauth2-server 5.3.0 with its
// express wrapper @node-oauth/express-oauth-server 4.2.0, for authspec's
// integration test. The library decides everything the protocol decides
// (validation, errors, codes, tokens, PKCE, refresh token rotation); what
// it leaves to the integrator is written here and kept small: the model (an
// in-memory store of two clients, codes and tokens, shaped as the library's
// model specification describes), the login page, and the metadata document.
//
//   node server.mjs [port]          (or PORT=...; 0, the default, picks a free port)
//   READY_FILE=path node server.mjs (the issuer URL is written there once listening)
//   CLIENT_SECRET=... USER_PASSWORD=... REDIRECT_URI=... (the clients and the person)
//
// It listens on 127.0.0.1 only and prints the issuer URL as "issuer: URL".
import { createHash, timingSafeEqual } from 'node:crypto';
import { writeFileSync } from 'node:fs';

import OAuthServer from '@node-oauth/express-oauth-server';
import express from 'express';

const port = Number(process.argv[2] ?? process.env.PORT ?? 0);
const secret = process.env.CLIENT_SECRET;
const password = process.env.USER_PASSWORD;
const redirectUri = process.env.REDIRECT_URI ?? 'http://127.0.0.1:8976/callback';
if (!secret || !password) {
  console.error('CLIENT_SECRET and USER_PASSWORD must be set');
  process.exit(2);
}
const username = 'alice';
const scopes = ['read', 'write'];

// Secrets are kept hashed and compared in constant time.
const sha256 = (s) => createHash('sha256').update(String(s)).digest();
const clients = new Map([
  ['authspec-confidential', {
    id: 'authspec-confidential',
    secretHash: sha256(secret),
    redirectUris: [redirectUri],
    grants: ['authorization_code', 'refresh_token', 'client_credentials'],
  }],
  ['authspec-public', {
    id: 'authspec-public',
    redirectUris: [redirectUri],
    grants: ['authorization_code', 'refresh_token'],
  }],
]);
const codes = new Map();
const accessTokens = new Map();
const refreshTokens = new Map();

// The model, as the library's model specification describes it.
const model = {
  // clientSecret is null at the authorization endpoint, and undefined at the
  // token endpoint when the request carries none (a public client with PKCE,
  // or a refresh without client authentication): only a public client may
  // then be returned.
  async getClient(clientId, clientSecret) {
    const client = clients.get(clientId);
    if (!client) return false;
    if (clientSecret === null) return client;
    if (!client.secretHash) return clientSecret === undefined ? client : false;
    if (clientSecret === undefined) return false;
    return timingSafeEqual(client.secretHash, sha256(clientSecret)) ? client : false;
  },
  async saveAuthorizationCode(code, client, user) {
    const saved = { ...code, client, user };
    codes.set(code.authorizationCode, saved);
    return saved;
  },
  async getAuthorizationCode(authorizationCode) {
    return codes.get(authorizationCode) ?? false;
  },
  async revokeAuthorizationCode(code) {
    return codes.delete(code.authorizationCode);
  },
  async saveToken(token, client, user) {
    const saved = { ...token, client, user };
    accessTokens.set(token.accessToken, saved);
    if (token.refreshToken) refreshTokens.set(token.refreshToken, saved);
    return saved;
  },
  async getAccessToken(accessToken) {
    return accessTokens.get(accessToken) ?? false;
  },
  async getRefreshToken(refreshToken) {
    return refreshTokens.get(refreshToken) ?? false;
  },
  async revokeToken(token) {
    return refreshTokens.delete(token.refreshToken);
  },
  // The client credentials grant acts for the client itself.
  async getUserFromClient(client) {
    return { id: `client:${client.id}` };
  },
  // The documentation's validateScope: every requested scope must be known.
  async validateScope(user, client, scope) {
    if (!scope || !scope.every((s) => scopes.includes(s))) return false;
    return scope;
  },
};

const app = express();
app.oauth = new OAuthServer({
  model,
  accessTokenLifetime: 3600,
  authorizationCodeLifetime: 60,
  // Public clients refresh without a secret; getClient still refuses a
  // confidential client that sends none.
  requireClientAuthentication: { refresh_token: false },
});
app.use(express.urlencoded({ extended: false }));

// The login page. The library leaves it to the integrator: the person signs
// in and approves; the form posts back to the same URL, so the library reads
// the authorization request from the query and the decision from the body
// (allowed=false is its documented way to deny).
const escape = (s) => String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const loginPage = (req, res, error) => res.type('html').send(`<!doctype html>
<html><head><title>Sign in</title></head><body>
<h1>Sign in</h1>
${error ? `<p>${error}</p>` : ''}
<p>${escape(req.query.client_id ?? '')} asks for: ${escape(req.query.scope ?? '')}</p>
<form method="post">
<p><label>Username <input type="text" name="username"></label></p>
<p><label>Password <input type="password" name="password"></label></p>
<button type="submit" name="allowed" value="true">Allow</button>
<button type="submit" name="allowed" value="false">Deny</button>
</form>
</body></html>
`);
const signedIn = (body) => body.username === username && typeof body.password === 'string'
  && timingSafeEqual(sha256(body.password), sha256(password));
app.get('/oauth/authorize', (req, res) => loginPage(req, res));
app.post('/oauth/authorize', (req, res, next) => {
  if (req.body?.allowed !== 'false' && !signedIn(req.body ?? {})) {
    return loginPage(req, res, 'Wrong username or password.');
  }
  return next();
}, app.oauth.authorize({
  // Who approved (or denied: the library then answers access_denied).
  authenticateHandler: { handle: (request) => ({ id: signedIn(request.body) ? username : 'anonymous' }) },
}));
app.post('/oauth/token', app.oauth.token());

let issuer;
app.get('/.well-known/oauth-authorization-server', (req, res) => {
  // The library has no discovery; this document lists what is wired above.
  res.json({
    issuer,
    authorization_endpoint: `${issuer}/oauth/authorize`,
    token_endpoint: `${issuer}/oauth/token`,
    response_types_supported: ['code'],
    grant_types_supported: ['authorization_code', 'refresh_token', 'client_credentials'],
    token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post', 'none'],
    code_challenge_methods_supported: ['S256'],
    scopes_supported: scopes,
  });
});

const server = app.listen(port, '127.0.0.1', () => {
  issuer = `http://127.0.0.1:${server.address().port}`;
  console.log(`issuer: ${issuer}`);
  if (process.env.READY_FILE) writeFileSync(process.env.READY_FILE, issuer);
});

for (const sig of ['SIGINT', 'SIGTERM']) {
  process.on(sig, () => process.exit(0));
}
