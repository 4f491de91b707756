// Runs discovery → registration → authorization code with PKCE, state and
// resource → token → protected resource → refresh → revocation against
// ISSUER with openid-client, for a public and a confidential client.
// Prints one JSON line; exits non-zero with a message on any failure.
import * as client from 'openid-client';

const issuer = new URL(process.env.ISSUER);
const resource = process.env.RESOURCE;
const redirect = 'http://127.0.0.1:8765/callback';
const insecure = { execute: [client.allowInsecureRequests], algorithm: 'oauth2' };

async function must(cond, msg) { if (!cond) throw new Error(msg); }

async function flow(config, label) {
  const verifier = client.randomPKCECodeVerifier();
  const challenge = await client.calculatePKCECodeChallenge(verifier);
  const state = client.randomState();
  const authURL = client.buildAuthorizationUrl(config, {
    redirect_uri: redirect, scope: 'read', code_challenge: challenge, code_challenge_method: 'S256', state, resource,
  });
  const r = await fetch(authURL, { redirect: 'manual' });
  await must(r.status === 302, `${label}: authorization answered ${r.status}`);
  const callback = new URL(r.headers.get('location'));
  const tokens = await client.authorizationCodeGrant(config, callback,
    { pkceCodeVerifier: verifier, expectedState: state }, { resource });
  await must(tokens.token_type.toLowerCase() === 'bearer', `${label}: token_type ${tokens.token_type}`);
  const call = async (at) => (await fetch(resource, { headers: { authorization: `Bearer ${at}` } })).status;
  await must(await call(tokens.access_token) === 200, `${label}: resource refused the access token`);
  const refreshed = await client.refreshTokenGrant(config, tokens.refresh_token, { resource });
  await must(await call(refreshed.access_token) === 200, `${label}: resource refused the refreshed token`);
  await client.tokenRevocation(config, refreshed.access_token);
  await must(await call(refreshed.access_token) === 401, `${label}: revoked token still accepted`);
  return { label, rotated: refreshed.refresh_token !== undefined && refreshed.refresh_token !== tokens.refresh_token };
}

const results = [];
// Public client registered with openid-client's own RFC 7591 support.
const pub = await client.dynamicClientRegistration(issuer, {
  redirect_uris: [redirect], token_endpoint_auth_method: 'none', response_types: ['code'],
  grant_types: ['authorization_code', 'refresh_token'], client_name: 'openid-client public',
}, client.None(), insecure);
results.push(await flow(pub, 'public'));

// Confidential client: registered at the advertised endpoint, then used
// with client_secret_basic.
const meta = await client.discovery(issuer, 'bootstrap', undefined, undefined, insecure);
const reg = await fetch(meta.serverMetadata().registration_endpoint, {
  method: 'POST', headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ redirect_uris: [redirect], grant_types: ['authorization_code', 'refresh_token'], client_name: 'openid-client confidential' }),
});
await must(reg.status === 201, `registration answered ${reg.status}`);
const info = await reg.json();
const conf = await client.discovery(issuer, info.client_id, info.client_secret, client.ClientSecretBasic(info.client_secret), insecure);
results.push(await flow(conf, 'confidential'));

console.log(JSON.stringify({ library: 'openid-client', ok: true, results }));
