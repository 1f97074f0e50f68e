import WebSocket from 'ws';
import type { Logger } from '@/server/log';

export type LinkState = 'connecting' | 'connected' | 'disconnected' | 'stopped';

export interface EngineLinkOptions {
  url: string;
  token?: string;
  reconnectDelayMs: number;
  maxReconnectDelayMs: number;
  pingIntervalMs: number;
  /** A ping unanswered this long means the link is dead (default: 10 s, at most the ping interval). */
  pongTimeoutMs?: number;
  connectTimeoutMs?: number;
  log: Logger;
  onOpen: () => void;
  onFrame: (text: string) => void;
  onState: (state: LinkState, detail?: string) => void;
}

/**
 * The WebSocket to the audio engine, kept up for as long as the worker runs: identify on open,
 * protocol pings with a pong timeout, reconnect with exponential backoff (1 s → 30 s by default,
 * back to the start after a good connection) whether or not the engine was up when we started.
 * One socket and one reconnect timer at a time.
 */
export class EngineLink {
  private ws: WebSocket | undefined;
  private state: LinkState = 'disconnected';
  private delay: number;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private pingTimer: NodeJS.Timeout | undefined;
  private pongTimer: NodeJS.Timeout | undefined;
  private stopped = false;
  lastError: string | undefined;

  constructor(private readonly o: EngineLinkOptions) {
    this.delay = o.reconnectDelayMs;
  }

  get connected() {
    return this.state === 'connected' && this.ws?.readyState === WebSocket.OPEN;
  }

  get current() {
    return this.state;
  }

  start() {
    this.stopped = false;
    this.connect();
  }

  private set(state: LinkState, detail?: string) {
    this.state = state;
    this.o.onState(state, detail);
  }

  private connect() {
    if (this.stopped || this.ws) return;
    clearTimeout(this.reconnectTimer);
    this.reconnectTimer = undefined;
    this.set('connecting');
    const ws = new WebSocket(this.o.url, { handshakeTimeout: this.o.connectTimeoutMs ?? 5_000, maxPayload: 16 * 1024 * 1024 });
    this.ws = ws;
    ws.on('open', () => {
      this.delay = this.o.reconnectDelayMs;
      this.lastError = undefined;
      ws.send(JSON.stringify({ type: 'appServerIdentify', ...(this.o.token ? { token: this.o.token } : {}) }));
      this.set('connected');
      this.startPings(ws);
      this.o.onOpen();
    });
    ws.on('message', (data, isBinary) => {
      if (isBinary) return this.o.log.debug('binary frame from the engine ignored');
      this.o.onFrame(Buffer.isBuffer(data) ? data.toString('utf8') : Array.isArray(data) ? Buffer.concat(data).toString('utf8') : Buffer.from(data).toString('utf8'));
    });
    ws.on('pong', () => clearTimeout(this.pongTimer));
    ws.on('error', (e) => {
      this.lastError = e.message;
    });
    ws.on('close', (code) => {
      if (this.ws !== ws) return;
      this.ws = undefined;
      this.stopPings();
      if (this.stopped) return this.set('stopped');
      const why = this.lastError ?? `closed (${code})`;
      this.set('disconnected', `${why}; retrying in ${Math.round(this.delay / 100) / 10} s`);
      this.o.log.debug({ delay: this.delay, why }, 'engine link down; reconnecting');
      this.reconnectTimer = setTimeout(() => this.connect(), this.delay);
      this.reconnectTimer.unref();
      this.delay = Math.min(this.o.maxReconnectDelayMs, this.delay * 2);
    });
  }

  private startPings(ws: WebSocket) {
    this.stopPings();
    const timeout = Math.min(this.o.pongTimeoutMs ?? 10_000, this.o.pingIntervalMs);
    this.pingTimer = setInterval(() => {
      if (ws.readyState !== WebSocket.OPEN) return;
      ws.ping();
      clearTimeout(this.pongTimer);
      this.pongTimer = setTimeout(() => {
        this.lastError = `no pong within ${timeout} ms`;
        this.o.log.warn(this.lastError + '; dropping the engine link');
        ws.terminate();
      }, timeout);
    }, this.o.pingIntervalMs);
    this.pingTimer.unref();
  }

  private stopPings() {
    clearInterval(this.pingTimer);
    clearTimeout(this.pongTimer);
  }

  /** Sends one JSON message; false when the link is down (the caller decides whether to keep it). */
  send(message: object): boolean {
    if (!this.connected) return false;
    this.ws!.send(JSON.stringify(message));
    return true;
  }

  /** Drops the current socket and connects again now (e.g. after the engine was restarted). */
  reconnectNow() {
    this.delay = this.o.reconnectDelayMs;
    if (this.ws) this.ws.terminate();
    else this.connect();
  }

  async stop() {
    this.stopped = true;
    clearTimeout(this.reconnectTimer);
    this.stopPings();
    const ws = this.ws;
    if (!ws) return this.set('stopped');
    await new Promise<void>((resolve) => {
      ws.once('close', () => resolve());
      ws.close(1001, 'worker stopping');
      setTimeout(() => {
        ws.terminate();
        resolve();
      }, 1_000).unref();
    });
    this.ws = undefined;
    this.set('stopped');
  }
}

/** True when something answers WebSocket connections at `url` within `timeoutMs`. */
export function probeEngine(url: string, timeoutMs = 3_000): Promise<boolean> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url, { handshakeTimeout: timeoutMs });
    const done = (ok: boolean) => {
      ws.removeAllListeners();
      ws.on('error', () => undefined);
      ws.terminate();
      resolve(ok);
    };
    ws.once('open', () => done(true));
    ws.once('error', () => done(false));
  });
}
