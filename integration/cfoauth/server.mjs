// Runs worker.mjs in workerd, the Cloudflare Workers runtime, through
// miniflare (the local runtime that wrangler dev uses), with the KV
// namespace OAUTH_KV that @cloudflare/workers-oauth-provider needs:
//
//   READY_FILE=path USER_PASSWORD=... node server.mjs
//
// It picks a free loopback port, bundles worker.mjs with esbuild (as
// wrangler does), starts the Worker on 127.0.0.1, and writes the issuer to
// READY_FILE once it answers.
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';
import { Miniflare } from 'miniflare';

const here = path.dirname(fileURLToPath(import.meta.url));

function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

const password = process.env.USER_PASSWORD;
if (!password) {
  console.error('USER_PASSWORD is not set');
  process.exit(2);
}
const port = await freePort();
const origin = `http://127.0.0.1:${port}`;
const bundle = await esbuild.build({
  entryPoints: [path.join(here, 'worker.mjs')],
  bundle: true,
  write: false,
  format: 'esm',
  platform: 'neutral',
  target: 'es2022',
  conditions: ['workerd', 'worker', 'browser'],
  mainFields: ['module', 'main'],
  external: ['cloudflare:*', 'node:*'],
  define: { __ORIGIN__: JSON.stringify(origin), __PASSWORD__: JSON.stringify(password) },
});
const mf = new Miniflare({
  modules: true,
  script: bundle.outputFiles[0].text,
  compatibilityDate: '2026-07-30',
  compatibilityFlags: ['nodejs_compat'],
  kvNamespaces: ['OAUTH_KV'],
  host: '127.0.0.1',
  port,
});
await mf.ready;
const ok = await fetch(`${origin}/.well-known/oauth-authorization-server`);
if (!ok.ok) {
  console.error(`metadata answered ${ok.status}: ${await ok.text()}`);
  process.exit(1);
}
console.log(`issuer ${origin}`);
if (process.env.READY_FILE) {
  fs.writeFileSync(process.env.READY_FILE, `${origin}\n`);
}
const stop = () => mf.dispose().finally(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
