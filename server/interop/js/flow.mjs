// Drives an OAuth 2.0 authorization server with openid-client, the way a
// Node.js application would: RFC 8414 discovery → RFC 7591 registration →
// authorization request with PKCE (S256), state and an RFC 8707 resource →
// token (state and RFC 9207 iss checked) → protected resource → refresh →
// RFC 7009 revocation → protected resource refuses the token.
//
// It runs the flow for a public client (PKCE, no secret) and a confidential
// client (client_secret_basic). The server must approve authorization
// requests without a person (authspec's auto consent): the authorization
// response is read from the redirect instead of a browser.
//
// Environment:
//   ISSUER        issuer identifier (required), e.g. http://127.0.0.1:8080
//   RESOURCE      resource indicator and protected resource URL (default ISSUER + "/mcp")
//   REDIRECT_URI  redirect URI to register (default http://127.0.0.1/callback; never contacted)
//   SCOPE         scope to request (default "read")
//   CLIENTS       comma-separated subset of "public,confidential" (default both)
//
// Prints one JSON line on success; on failure prints what failed to stderr
// and exits 1.
import { readFileSync } from 'node:fs';
import * as client from 'openid-client';

const env = (name, fallback) => process.env[name] || fallback;

let step = 'configuration';
function fail(err) {
  const detail = [err?.message ?? String(err)];
  if (err?.code) detail.push(`code=${err.code}`);
  if (err?.error) detail.push(`error=${err.error}`);
  if (err?.error_description) detail.push(`error_description=${err.error_description}`);
  if (err?.cause && !(err.cause instanceof Error)) detail.push(`cause=${JSON.stringify(err.cause)}`);
  else if (err?.cause) detail.push(`cause=${err.cause.message}`);
  console.error(`openid-client flow failed at step "${step}": ${detail.join('; ')}`);
  process.exit(1);
}

function check(cond, message) {
  if (!cond) throw new Error(message);
}

if (!process.env.ISSUER) fail(new Error('set ISSUER to the issuer identifier of the authorization server'));
const issuer = new URL(env('ISSUER'));
const resource = env('RESOURCE', issuer.href.replace(/\/$/, '') + '/mcp');
const redirectUri = env('REDIRECT_URI', 'http://127.0.0.1/callback');
const scope = env('SCOPE', 'read');
const clients = env('CLIENTS', 'public,confidential').split(',').map((s) => s.trim()).filter(Boolean);

// Plain OAuth 2.0 (RFC 8414 metadata, not OpenID Connect discovery), and
// http:// is allowed because the test server runs on loopback without TLS.
const options = { algorithm: 'oauth2', execute: [client.allowInsecureRequests] };

// callResource presents an access token to the protected resource.
async function callResource(accessToken) {
  const res = await fetch(resource, { headers: { authorization: `Bearer ${accessToken}` } });
  await res.arrayBuffer();
  return res.status;
}

async function registerClient(kind) {
  const metadata = {
    client_name: `openid-client ${kind}`,
    redirect_uris: [redirectUri],
    response_types: ['code'],
    grant_types: ['authorization_code', 'refresh_token'],
    token_endpoint_auth_method: kind === 'public' ? 'none' : 'client_secret_basic',
  };
  if (kind === 'public') {
    // Discovery and registration in one call; the public client
    // authenticates with client_id alone.
    step = `${kind}: discovery and registration`;
    return client.dynamicClientRegistration(issuer, metadata, client.None(), options);
  }
  // A confidential application registers once and keeps its credentials...
  step = `${kind}: discovery and registration`;
  const registered = await client.dynamicClientRegistration(issuer, metadata, client.ClientSecretBasic(), options);
  const { client_id: clientId, client_secret: clientSecret } = registered.clientMetadata();
  check(typeof clientSecret === 'string' && clientSecret.length > 0, 'the registration response has no client_secret');
  // ...and later configures itself from discovery with those credentials.
  step = `${kind}: discovery`;
  return client.discovery(issuer, clientId, { client_secret: clientSecret, redirect_uris: [redirectUri] },
    client.ClientSecretBasic(clientSecret), options);
}

async function flow(kind) {
  const config = await registerClient(kind);
  const as = config.serverMetadata();
  check(as.issuer === issuer.href || as.issuer + '/' === issuer.href, `discovered issuer ${as.issuer}, want ${issuer.href}`);
  check(as.supportsPKCE('S256'), 'the server does not announce PKCE S256');
  check(as.revocation_endpoint, 'the server announces no revocation_endpoint');
  const { client_id: clientId } = config.clientMetadata();

  step = `${kind}: authorization request`;
  const codeVerifier = client.randomPKCECodeVerifier();
  const state = client.randomState();
  const authorizationUrl = client.buildAuthorizationUrl(config, {
    redirect_uri: redirectUri,
    scope,
    code_challenge: await client.calculatePKCECodeChallenge(codeVerifier),
    code_challenge_method: 'S256',
    state,
    resource,
  });
  // With auto consent the server answers the request with the redirect to
  // the client at once; a browser would follow it, this reads it.
  const authorization = await fetch(authorizationUrl, { redirect: 'manual' });
  await authorization.arrayBuffer();
  check(authorization.status === 302, `authorization endpoint answered ${authorization.status}, want 302`);
  const callback = new URL(authorization.headers.get('location'));

  // authorizationCodeGrant checks state and, because the server announces
  // authorization_response_iss_parameter_supported, the iss parameter.
  step = `${kind}: token request`;
  const tokens = await client.authorizationCodeGrant(config, callback,
    { pkceCodeVerifier: codeVerifier, expectedState: state }, { resource });
  check(tokens.token_type?.toLowerCase() === 'bearer', `token_type ${tokens.token_type}, want Bearer`);
  check(tokens.refresh_token, 'no refresh token');

  step = `${kind}: protected resource`;
  check(await callResource(tokens.access_token) === 200, 'the resource refused the access token');

  step = `${kind}: refresh`;
  const refreshed = await client.refreshTokenGrant(config, tokens.refresh_token, { resource });
  check(refreshed.access_token !== tokens.access_token, 'refresh returned the same access token');
  check(await callResource(refreshed.access_token) === 200, 'the resource refused the refreshed access token');
  const rotated = refreshed.refresh_token !== undefined && refreshed.refresh_token !== tokens.refresh_token;
  // Public clients' refresh tokens rotate (RFC 9700 §4.14.2).
  if (kind === 'public') check(rotated, 'the refresh token of a public client did not rotate');
  const refreshToken = refreshed.refresh_token ?? tokens.refresh_token;

  step = `${kind}: revocation`;
  await client.tokenRevocation(config, refreshed.access_token, { token_type_hint: 'access_token' });
  check(await callResource(refreshed.access_token) === 401, 'the resource accepted a revoked access token');
  await client.tokenRevocation(config, refreshToken, { token_type_hint: 'refresh_token' });
  let refusedError;
  try {
    await client.refreshTokenGrant(config, refreshToken);
  } catch (err) {
    refusedError = err.error ?? err.code ?? err.message;
  }
  check(refusedError === 'invalid_grant', `refresh with a revoked refresh token: ${refusedError ?? 'accepted'}, want invalid_grant`);

  return { client: kind, client_id: clientId, auth: kind === 'public' ? 'none' : 'client_secret_basic', rotated };
}

async function main() {
  const results = [];
  for (const kind of clients) {
    check(kind === 'public' || kind === 'confidential', `unknown client kind ${JSON.stringify(kind)} in CLIENTS`);
    results.push(await flow(kind));
  }
  const version = (name) =>
    JSON.parse(readFileSync(new URL(`./node_modules/${name}/package.json`, import.meta.url))).version;
  console.log(JSON.stringify({
    ok: true,
    library: 'openid-client',
    version: version('openid-client'),
    oauth4webapi: version('oauth4webapi'),
    node: process.version,
    issuer: process.env.ISSUER,
    results,
  }));
}

main().catch(fail);
