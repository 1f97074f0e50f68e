import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';

/**
 * A small stand-in for the Mismo audio engine (tests and benchmarks only): a WebSocket server that
 * speaks the real protocol (PROTOCOLS.md Part B §3). It welcomes each client with its version,
 * acknowledges `appServerIdentify`, records every frame, sends requests and deck events on demand,
 * answers pings, drops idle clients after `idleTimeoutMs` (the real engine: 120 s), and can drop a
 * connection abruptly or send garbage.
 */
export interface FakeEngineOptions {
  port?: number;
  version?: string;
  idleTimeoutMs?: number;
  /** When set, identification without this token is refused (closed with 4001). */
  token?: string;
  /** Answer protocol pings (default true); off simulates a hung engine. */
  answerPings?: boolean;
}

export interface Received {
  at: number;
  text: string;
  json: Record<string, unknown> | null;
}

type Waiter = { pred: (r: Received) => boolean; resolve: (r: Received) => void; from: number };

/** What the fake holds across connections: frames received, waiters on them, the identified app server. */
interface EngineState {
  opts: FakeEngineOptions;
  received: Received[];
  waiters: Set<Waiter>;
  stats: { connections: number; identified: number; pings: number; idleDrops: number };
  app: WebSocket | undefined;
}

function parseFrame(data: unknown): Received {
  const text = Buffer.isBuffer(data) ? data.toString('utf8') : Buffer.from(data as ArrayBuffer).toString('utf8');
  let json: Record<string, unknown> | null;
  try {
    const v: unknown = JSON.parse(text);
    json = v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
  } catch {
    json = null;
  }
  return { at: Date.now(), text, json };
}

/** A client: welcomed, dropped when idle, identified with `appServerIdentify`; its other frames recorded. */
function onConnection(st: EngineState, ws: WebSocket) {
  const { opts, stats } = st;
  stats.connections++;
  let idle: NodeJS.Timeout | undefined;
  const touch = () => {
    clearTimeout(idle);
    idle = setTimeout(() => {
      stats.idleDrops++;
      ws.terminate();
    }, opts.idleTimeoutMs ?? 120_000);
  };
  touch();
  ws.send(JSON.stringify({ type: 'welcome', version: opts.version ?? '0.9.4-fake' }));
  ws.on('ping', () => {
    stats.pings++;
    touch();
  });
  ws.on('close', () => {
    clearTimeout(idle);
    if (st.app === ws) st.app = undefined;
  });
  ws.on('message', (data) => {
    touch();
    const r = parseFrame(data);
    if (r.json?.type === 'appServerIdentify') {
      if (opts.token && r.json.token !== opts.token) return ws.close(4001, 'bad token');
      stats.identified++;
      st.app = ws;
      ws.send(JSON.stringify({ success: true, message: 'App server registered successfully' }));
      return;
    }
    st.received.push(r);
    for (const w of st.waiters) {
      if (st.received.length - 1 >= w.from && w.pred(r)) {
        st.waiters.delete(w);
        w.resolve(r);
      }
    }
  });
}

export async function startFakeEngine(opts: FakeEngineOptions = {}) {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: opts.port ?? 0, autoPong: opts.answerPings ?? true });
  await new Promise<void>((resolve, reject) => {
    wss.once('listening', resolve);
    wss.once('error', reject);
  });
  const port = (wss.address() as AddressInfo).port;
  const st: EngineState = { opts, received: [], waiters: new Set(), stats: { connections: 0, identified: 0, pings: 0, idleDrops: 0 }, app: undefined };
  const { received, waiters, stats } = st;
  let seq = 0;
  wss.on('connection', (ws) => onConnection(st, ws));

  const appSocket = () => {
    const app = st.app;
    if (!app || app.readyState !== app.OPEN) throw new Error('the app server is not connected to the fake engine');
    return app;
  };

  return {
    port,
    url: `ws://127.0.0.1:${port}`,
    received,
    stats,
    get connected() {
      return Boolean(st.app && st.app.readyState === st.app.OPEN);
    },
    /** Sends a raw text frame or a JSON message to the app server. */
    send(message: object | string) {
      appSocket().send(typeof message === 'string' ? message : JSON.stringify(message));
    },
    /** Sends `getTrackInfo`; returns the requestId used (none when `requestId: null`). */
    getTrackInfo(trackId: unknown, o: { deck?: string; stems?: boolean; requestId?: string | null } = {}) {
      const requestId = o.requestId === null ? undefined : (o.requestId ?? `r-${++seq}`);
      appSocket().send(
        JSON.stringify({ command: 'getTrackInfo', trackId, ...(o.deck ? { deck: o.deck } : {}), ...(o.stems ? { stems: true } : {}), ...(requestId ? { requestId } : {}) }),
      );
      return requestId;
    },
    event(event: string, fields: Record<string, unknown>) {
      appSocket().send(JSON.stringify({ event, ...fields }));
    },
    /** Resolves with the first frame (from now on, or from index `from`) that matches. */
    waitFor(pred: (json: Record<string, unknown>) => boolean, timeoutMs = 10_000, from = received.length): Promise<Record<string, unknown>> {
      const hit = received.slice(from).find((r) => r.json && pred(r.json));
      if (hit) return Promise.resolve(hit.json!);
      return new Promise((resolve, reject) => {
        const w = { pred: (r: Received) => Boolean(r.json && pred(r.json)), resolve: (r: Received) => (clearTimeout(t), resolve(r.json!)), from };
        const t = setTimeout(() => {
          waiters.delete(w);
          reject(new Error(`the fake engine got no matching frame within ${timeoutMs} ms; last: ${received.at(-1)?.text ?? 'none'}`));
        }, timeoutMs);
        waiters.add(w);
      });
    },
    /** Drops the app server's connection without a close handshake. */
    drop() {
      st.app?.terminate();
    },
    async close() {
      for (const c of wss.clients) c.terminate();
      await new Promise<void>((r) => wss.close(() => r()));
    },
  };
}
export type FakeEngine = Awaited<ReturnType<typeof startFakeEngine>>;
