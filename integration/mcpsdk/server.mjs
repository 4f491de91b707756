// An MCP server and its authorization server built from the MCP TypeScript
// SDK (@modelcontextprotocol/sdk) as its example simpleStreamableHttp builds
// them with --oauth --oauth-strict (examples/server/simpleStreamableHttp.js
// and examples/server/demoInMemoryOAuthProvider.js):
//
// - the authorization server at http://localhost:<port>/: the SDK's
//   mcpAuthRouter (metadata, /authorize, /token, /register) over the
//   example's DemoInMemoryAuthProvider, which approves every authorization
//   request at once, and the example's /introspect endpoint;
// - the MCP server at http://localhost:<port>/mcp: Streamable HTTP behind
//   the SDK's requireBearerAuth, checking tokens by introspection and
//   accepting only tokens issued for it, with the SDK's protected resource
//   metadata (mcpAuthMetadataRouter).
//
// Two differences from the example, both settings the SDK offers: the
// endpoints' rate limits are off (the SDK allows 20 registrations an hour,
// fewer than one conformance run makes), and both servers listen on
// 127.0.0.1 only. The MCP server has the example's greet tool only.
//
//   READY_FILE=path node server.mjs
//
// writes the issuer and AUTHSPEC_MCP_SERVER=<the MCP server's URL> to the
// file once both servers listen.
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import express from 'express';
import * as z from 'zod/v4';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import {
  createOAuthMetadata,
  getOAuthProtectedResourceMetadataUrl,
  mcpAuthMetadataRouter,
  mcpAuthRouter,
} from '@modelcontextprotocol/sdk/server/auth/router.js';
import { requireBearerAuth } from '@modelcontextprotocol/sdk/server/auth/middleware/bearerAuth.js';
import { createMcpExpressApp } from '@modelcontextprotocol/sdk/server/express.js';
import { resourceUrlFromServerUrl } from '@modelcontextprotocol/sdk/shared/auth-utils.js';
import { isInitializeRequest } from '@modelcontextprotocol/sdk/types.js';
import { DemoInMemoryAuthProvider } from '@modelcontextprotocol/sdk/examples/server/demoInMemoryOAuthProvider.js';

function listen(app) {
  return new Promise((resolve, reject) => {
    const server = app.listen(0, '127.0.0.1', (err) => (err ? reject(err) : resolve(server.address().port)));
  });
}

// The authorization server, as setupAuthServer builds it. Its port is known
// only once it listens, and its issuer names the port: the router is
// mounted then.
const authApp = express();
const authPort = await listen(authApp);
const mcpApp = createMcpExpressApp();
const mcpPort = await listen(mcpApp);
const authServerUrl = new URL(`http://localhost:${authPort}`);
const mcpServerUrl = new URL(`http://localhost:${mcpPort}/mcp`);

// --oauth-strict: tokens must be issued for this MCP server.
const provider = new DemoInMemoryAuthProvider((resource) => {
  if (!resource) return false;
  return resource.toString() === resourceUrlFromServerUrl(mcpServerUrl).toString();
});
const noRateLimit = { rateLimit: false };
authApp.use(express.json());
authApp.use(express.urlencoded());
authApp.use(mcpAuthRouter({
  provider,
  issuerUrl: authServerUrl,
  scopesSupported: ['mcp:tools'],
  authorizationOptions: noRateLimit,
  tokenOptions: noRateLimit,
  clientRegistrationOptions: noRateLimit,
  revocationOptions: noRateLimit,
}));
authApp.post('/introspect', async (req, res) => {
  try {
    const { token } = req.body;
    if (!token) {
      res.status(400).json({ error: 'Token is required' });
      return;
    }
    const tokenInfo = await provider.verifyAccessToken(token);
    res.json({
      active: true,
      client_id: tokenInfo.clientId,
      scope: tokenInfo.scopes.join(' '),
      exp: tokenInfo.expiresAt,
      aud: tokenInfo.resource,
    });
  } catch (error) {
    res.status(401).json({ active: false, error: 'Unauthorized', error_description: `Invalid token: ${error}` });
  }
});
const oauthMetadata = createOAuthMetadata({ provider, issuerUrl: authServerUrl, scopesSupported: ['mcp:tools'] });
oauthMetadata.introspection_endpoint = new URL('/introspect', authServerUrl).href;

// The MCP server, as the example builds it.
const tokenVerifier = {
  verifyAccessToken: async (token) => {
    const response = await fetch(oauthMetadata.introspection_endpoint, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token }).toString(),
    });
    if (!response.ok) {
      const text = await response.text().catch(() => null);
      throw new Error(`Invalid or expired token: ${text}`);
    }
    const data = await response.json();
    const audience = [data.aud ?? []].flat().find((aud) => URL.canParse(aud) && new URL(aud).origin === mcpServerUrl.origin);
    return {
      token,
      clientId: data.client_id,
      scopes: data.scope ? data.scope.split(' ') : [],
      expiresAt: data.exp,
      resource: audience ? new URL(audience) : undefined,
    };
  },
};
mcpApp.use(mcpAuthMetadataRouter({
  oauthMetadata,
  resourceServerUrl: mcpServerUrl,
  scopesSupported: ['mcp:tools'],
  resourceName: 'MCP Demo Server',
}));
const authMiddleware = requireBearerAuth({
  verifier: tokenVerifier,
  requiredScopes: [],
  resourceMetadataUrl: getOAuthProtectedResourceMetadataUrl(mcpServerUrl),
  expectedResource: mcpServerUrl,
});

function getServer() {
  const server = new McpServer({ name: 'simple-streamable-http-server', version: '1.0.0' });
  server.registerTool('greet', {
    title: 'Greeting Tool',
    description: 'A simple greeting tool',
    inputSchema: { name: z.string().describe('Name to greet') },
  }, async ({ name }) => ({ content: [{ type: 'text', text: `Hello, ${name}!` }] }));
  return server;
}

const MAX_SESSIONS = 1000;
const transports = new Map();
const notFound = { jsonrpc: '2.0', error: { code: -32001, message: 'Session not found' }, id: null };

mcpApp.post('/mcp', authMiddleware, async (req, res) => {
  const sessionId = req.headers['mcp-session-id'];
  try {
    let transport = sessionId ? transports.get(sessionId) : undefined;
    if (!transport && !sessionId && isInitializeRequest(req.body)) {
      if (transports.size >= MAX_SESSIONS) {
        res.status(503).json({ jsonrpc: '2.0', error: { code: -32000, message: 'Too many open sessions' }, id: null });
        return;
      }
      transport = new StreamableHTTPServerTransport({
        sessionIdGenerator: () => randomUUID(),
        onsessioninitialized: (sid) => transports.set(sid, transport),
      });
      transport.onclose = () => {
        if (transport.sessionId) transports.delete(transport.sessionId);
      };
      await getServer().connect(transport);
    } else if (!transport && sessionId) {
      res.status(404).json(notFound);
      return;
    } else if (!transport) {
      res.status(400).json({ jsonrpc: '2.0', error: { code: -32000, message: 'Bad Request: No valid session ID provided' }, id: null });
      return;
    }
    await transport.handleRequest(req, res, req.body);
  } catch (error) {
    console.error('Error handling MCP request:', error);
    if (!res.headersSent) {
      res.status(500).json({ jsonrpc: '2.0', error: { code: -32603, message: 'Internal server error' }, id: null });
    }
  }
});

async function withSession(req, res) {
  const sessionId = req.headers['mcp-session-id'];
  if (!sessionId) {
    res.status(400).send('Missing session ID');
    return;
  }
  const transport = transports.get(sessionId);
  if (!transport) {
    res.status(404).json(notFound);
    return;
  }
  await transport.handleRequest(req, res);
}
mcpApp.get('/mcp', authMiddleware, withSession);
mcpApp.delete('/mcp', authMiddleware, withSession);

const issuer = oauthMetadata.issuer;
console.log(`issuer ${issuer}, MCP server ${mcpServerUrl.href}`);
if (process.env.READY_FILE) {
  fs.writeFileSync(process.env.READY_FILE, `${issuer}\nAUTHSPEC_MCP_SERVER=${mcpServerUrl.href}\n`);
}
