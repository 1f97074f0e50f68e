import type { Db } from '../db/client';
import type { StoredEvent } from './catalogue';
import { latestEventId, readEventsAfter } from './outbox';

/**
 * One shared poller per process: it reads new events from the outbox into a bounded in-memory
 * window and wakes subscribers. Subscribers whose cursor is older than the window read the
 * backlog from the database, so resuming from any retained id misses nothing.
 */
export class EventHub {
  private window: StoredEvent[] = [];
  private cursor = -1;
  private waiters = new Set<() => void>();
  private timer: NodeJS.Timeout | undefined;
  private subscribers = 0;

  constructor(
    private readonly db: Db,
    private readonly opts: { pollMs?: number; windowSize?: number } = {},
  ) {}

  get subscriberCount() {
    return this.subscribers;
  }

  /** The newest event id known to exist. */
  head(): number {
    if (this.cursor < 0) this.cursor = latestEventId(this.db);
    return this.cursor;
  }

  /** Events after `afterId`, up to `limit`, from memory when possible. */
  read(afterId: number, limit = 500): StoredEvent[] {
    const first = this.window[0];
    if (first && afterId >= first.id - 1) {
      const out: StoredEvent[] = [];
      for (const e of this.window) {
        if (e.id > afterId) out.push(e);
        if (out.length >= limit) break;
      }
      return out;
    }
    return readEventsAfter(this.db, afterId, limit);
  }

  /** Resolves on the next poll that finds new events, or when the signal aborts. */
  waitForNew(signal?: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      if (signal?.aborted) return resolve();
      const done = () => {
        this.waiters.delete(done);
        signal?.removeEventListener('abort', done);
        resolve();
      };
      this.waiters.add(done);
      signal?.addEventListener('abort', done, { once: true });
    });
  }

  /** Subscribes an async consumer; the poller runs only while someone listens. */
  async *subscribe(fromId: number | null, signal: AbortSignal): AsyncGenerator<StoredEvent> {
    this.subscribers++;
    // Pin the poll cursor before the first read: anything newer than it will be announced by a
    // poll, anything older is read directly below, so nothing falls in between.
    const head = this.head();
    this.ensurePolling();
    try {
      let cursor = Math.min(fromId ?? head, head);
      while (!signal.aborted) {
        const batch = this.read(cursor);
        for (const e of batch) {
          if (signal.aborted) return;
          cursor = e.id;
          yield e;
        }
        if (batch.length === 0) await this.waitForNew(signal);
      }
    } finally {
      this.subscribers--;
      if (this.subscribers === 0) this.stopPolling();
    }
  }

  /** Reads new rows once; exposed for tests and for processes that drive the poll themselves. */
  poll() {
    const after = this.head();
    const fresh = readEventsAfter(this.db, after, 2000);
    if (fresh.length === 0) return 0;
    this.cursor = fresh[fresh.length - 1]!.id;
    const size = this.opts.windowSize ?? 5000;
    this.window.push(...fresh);
    if (this.window.length > size) this.window.splice(0, this.window.length - size);
    for (const w of [...this.waiters]) w();
    return fresh.length;
  }

  private ensurePolling() {
    if (this.timer) return;
    const tick = () => {
      try {
        while (this.poll() >= 2000) {
          /* drain large bursts */
        }
      } catch {
        /* the database may be busy; try again next tick */
      }
      this.timer = setTimeout(tick, this.opts.pollMs ?? 250);
      this.timer.unref();
    };
    this.timer = setTimeout(tick, 0);
    this.timer.unref();
  }

  private stopPolling() {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  close() {
    this.stopPolling();
    for (const w of [...this.waiters]) w();
  }
}
