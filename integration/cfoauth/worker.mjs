// The Worker: an authorization server and its one resource, built from
// @cloudflare/workers-oauth-provider as its README's "One Worker:
// OAuthProvider" shape and docs/consent-page.md show. The library serves
// the metadata, token, registration and revocation endpoints and checks
// tokens at /mcp; this file is the application code the library leaves to
// its user: the /authorize page (sign-in and consent on one page, built
// with the library's consent helpers) and the resource's handler.
//
// __ORIGIN__ and __PASSWORD__ are set when server.mjs bundles the file.
import { AuthorizationError, OAuthProvider } from '@cloudflare/workers-oauth-provider';

const ORIGIN = __ORIGIN__;
const USER = 'alice';

const escape = (value) => String(value).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

// The consent page of docs/consent-page.md, with the user's credentials on
// the same form.
function consentPage(details, handle, message) {
  const name = escape(details.clientName);
  const origin = details.clientDomain
    ? `Published by <strong>${escape(details.clientDomain)}</strong>.`
    : 'This app registered itself; its name is not verified.';
  const scopes = details.scope
    .map((scope) => `<label><input type="checkbox" name="scope" value="${escape(scope)}" checked> ${escape(scope)}</label>`)
    .join('<br>');
  return `<!doctype html>
<meta charset="utf-8">
<title>Authorize ${name}</title>
<h1>Allow ${name} to access your account?</h1>
${message ? `<p role="alert">${escape(message)}</p>` : ''}
<p>${origin} Access will be sent to <strong>${escape(details.redirectHost)}</strong>.</p>
${details.redirectIsLoopback ? '<p><strong>This sends access to an app on your computer.</strong> Continue only if you just started signing in from it.</p>' : ''}
<form method="post">
  <input type="hidden" name="handle" value="${escape(handle)}">
  <p><label>Username <input name="username" autocomplete="username"></label></p>
  <p><label>Password <input name="password" type="password" autocomplete="current-password"></label></p>
  ${scopes}
  <p><button name="decision" value="approve">Allow</button> <button name="decision" value="deny">Deny</button></p>
</form>`;
}

function errorPage(status, text) {
  return new Response(`<!doctype html><meta charset="utf-8"><title>Error</title><p>${escape(text)}</p>`, {
    status,
    headers: { 'Content-Type': 'text/html; charset=utf-8' },
  });
}

async function authorize(request, env) {
  const oauth = env.OAUTH_PROVIDER;
  try {
    if (request.method === 'GET') {
      const req = await oauth.parseAuthRequest(request);
      const details = await oauth.describeConsent(req);
      const consent = await oauth.beginConsent(req);
      consent.headers.set('Content-Type', 'text/html; charset=utf-8');
      return new Response(consentPage(details, consent.handle), { headers: consent.headers });
    }
    if (request.method === 'POST') {
      const form = await request.formData();
      const handle = String(form.get('handle'));
      if (form.get('decision') !== 'approve') {
        const denied = await oauth.denyConsent(request, handle);
        return new Response(null, { status: 302, headers: denied.headers });
      }
      if (form.get('username') !== USER || form.get('password') !== __PASSWORD__) {
        return errorPage(401, 'Wrong username or password.');
      }
      const approved = await oauth.approveConsent(request, handle, { scope: form.getAll('scope').map(String) });
      const { redirectTo } = await oauth.completeAuthorization({
        request: approved.request,
        userId: USER,
        metadata: {},
        scope: approved.request.scope,
        props: { userId: USER },
      });
      approved.headers.set('Location', redirectTo);
      return new Response(null, { status: 302, headers: approved.headers });
    }
    return new Response('Method Not Allowed', { status: 405, headers: { Allow: 'GET, POST' } });
  } catch (e) {
    if (e instanceof AuthorizationError) {
      // A redirect only where the library validated the redirect URI.
      if (e.redirectTo) return Response.redirect(e.redirectTo, 302);
      return errorPage(400, `${e.code}: ${e.description}`);
    }
    throw e;
  }
}

const defaultHandler = {
  fetch(request, env) {
    if (new URL(request.url).pathname === '/authorize') return authorize(request, env);
    return new Response('Not Found', { status: 404 });
  },
};

// The resource: what completeAuthorization stored, for a valid token.
const apiHandler = {
  fetch(request, env, ctx) {
    return Response.json({ userId: ctx.props.userId, scope: ctx.auth?.scope });
  },
};

export default new OAuthProvider({
  apiRoute: '/mcp',
  apiHandler,
  defaultHandler,
  authorizeEndpoint: '/authorize',
  tokenEndpoint: '/oauth/token',
  clientRegistrationEndpoint: '/oauth/register',
  scopesSupported: ['mcp:read', 'mcp:write', 'offline_access'],
  resourceMetadata: {
    resource: `${ORIGIN}/mcp`,
    authorization_servers: [ORIGIN],
  },
  requiredScopes: ['mcp:read'],
});
