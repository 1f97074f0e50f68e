/**
 * The web process: Next.js behind the gate (server/web/gate.ts). Every request — pages, tRPC,
 * the event stream, byte routes, static files — passes the Host, cross-site and size checks and
 * gets the security headers before Next.js runs anything.
 *
 *   node --import tsx server/web/serve.ts [--dev]
 */
import http from 'node:http';
import path from 'node:path';
import next from 'next';
import { loadEnv } from '../env';
import { CLIENT_HEADER, SECURITY_HEADERS, checkRequest, fromTrustedProxy, gateConfig } from './gate';

const root = path.resolve(import.meta.dirname, '../..');
const dev = process.argv.includes('--dev');
const env = loadEnv();
const cfg = gateConfig(env);
const app = next({ dev, dir: root, hostname: env.web.host, port: env.web.port });
const handle = app.getRequestHandler();
await app.prepare();
const upgrade = dev ? app.getUpgradeHandler() : undefined;

const FORWARDED = ['x-forwarded-for', 'x-forwarded-host', 'x-forwarded-proto', 'x-forwarded-port', 'x-real-ip', 'forwarded'];

const server = http.createServer((req, res) => {
  for (const [k, v] of Object.entries(SECURITY_HEADERS)) res.setHeader(k, v);
  const verdict = checkRequest(cfg, { method: req.method ?? 'GET', url: req.url ?? '/', headers: req.headers, remoteAddress: req.socket.remoteAddress });
  if (!verdict.ok) {
    // answer without reading the body, then drop the connection (the body may be huge)
    res.writeHead(verdict.status, { 'content-type': 'application/json', connection: 'close', 'cache-control': 'no-store' });
    res.end(JSON.stringify({ error: verdict.error }), () => req.socket.destroySoon());
    return;
  }
  // only a trusted proxy may say who the client is or which scheme it came in on
  if (!fromTrustedProxy(cfg, req.socket.remoteAddress)) for (const h of FORWARDED) delete req.headers[h];
  req.headers[CLIENT_HEADER] = verdict.client;
  void handle(req, res);
});
if (upgrade) server.on('upgrade', (req, socket, head) => void upgrade(req, socket, head));
server.keepAliveTimeout = 65_000;
server.listen(env.web.port, env.web.host, () => console.log(`web listening on http://${env.web.host}:${env.web.port}`));

const stop = () => {
  server.close(() => process.exit(0));
  server.closeIdleConnections();
  setTimeout(() => process.exit(0), 5_000).unref();
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
