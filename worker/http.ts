import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from '@/server/log';

export type RouteHandler = (req: http.IncomingMessage, res: http.ServerResponse, url: URL) => void | Promise<void>;

export function sendJson(res: http.ServerResponse, status: number, body: unknown) {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

/**
 * The worker's own small HTTP server (health, and later the analysis callback). Routes are
 * matched by method and path prefix; everything else is a 404.
 */
export class WorkerHttp {
  private routes: { method: string; prefix: string; handler: RouteHandler }[] = [];
  private server: http.Server | undefined;

  constructor(private readonly log: Logger) {}

  route(method: string, prefix: string, handler: RouteHandler) {
    this.routes.push({ method, prefix, handler });
  }

  async listen(host: string, port: number): Promise<number> {
    this.server = http.createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://worker.local');
      const r = this.routes.find((x) => x.method === req.method && (url.pathname === x.prefix || url.pathname.startsWith(x.prefix + '/')));
      if (!r) return sendJson(res, 404, { error: 'Not found' });
      Promise.resolve(r.handler(req, res, url)).catch((e: unknown) => {
        this.log.error({ err: e, path: url.pathname }, 'worker http handler failed');
        if (!res.headersSent) sendJson(res, 500, { error: 'Internal error' });
        else res.destroy();
      });
    });
    this.server.keepAliveTimeout = 5_000;
    await new Promise<void>((resolve, reject) => {
      this.server!.once('error', reject);
      this.server!.listen(port, host, () => resolve());
    });
    return (this.server.address() as AddressInfo).port;
  }

  async close() {
    const s = this.server;
    if (!s) return;
    await new Promise<void>((resolve) => {
      s.close(() => resolve());
      s.closeAllConnections();
    });
  }
}
