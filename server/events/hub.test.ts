import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase, closeDatabase } from '../db/client';
import { writeTx } from '../db/tx';
import { createTestContext, type TestContext } from '../testing/create-test-context';
import { EventHub } from './hub';
import { appendEvent, pruneEvents } from './outbox';
import { createCoalescer } from './coalesce';

let t: TestContext | undefined;
afterEach(() => {
  t?.cleanup();
  t = undefined;
});

const emit = (db: Parameters<typeof appendEvent>[0], n: number, tag: string) => {
  for (let i = 0; i < n; i++) appendEvent(db, 'job:queued', { jobId: i, kind: tag });
};

async function take(gen: AsyncGenerator<{ id: number }>, n: number) {
  const out: number[] = [];
  for await (const e of gen) {
    out.push(e.id);
    if (out.length === n) break;
  }
  return out;
}

describe('EventHub', () => {
  it('replays every missed event exactly once and in order after a reconnect, then streams new ones', async () => {
    t = createTestContext({ file: true });
    const writer = openDatabase(t.ctx.env.db.path); // the "other process"
    const hub = new EventHub(t.db, { pollMs: 5, windowSize: 10 });
    emit(writer, 5, 'before');
    const ac1 = new AbortController();
    const first = await take(hub.subscribe(0, ac1.signal), 5);
    ac1.abort();
    expect(first).toEqual([1, 2, 3, 4, 5]);
    const lastSeen = first.at(-1)!;
    // while disconnected: more than the in-memory window, written by another connection
    emit(writer, 25, 'missed');
    const ac2 = new AbortController();
    const gen = hub.subscribe(lastSeen, ac2.signal);
    const collected: number[] = [];
    const reading = (async () => {
      for await (const e of gen) {
        collected.push(e.id);
        if (collected.length === 35) break;
      }
    })();
    await new Promise((r) => setTimeout(r, 30));
    emit(writer, 10, 'live');
    await reading;
    ac2.abort();
    expect(collected).toEqual(Array.from({ length: 35 }, (_, i) => lastSeen + 1 + i));
    hub.close();
    closeDatabase(writer);
  });

  it('serves concurrent subscribers from one poller', async () => {
    t = createTestContext({ file: true });
    const hub = new EventHub(t.db, { pollMs: 5 });
    const acs = [new AbortController(), new AbortController(), new AbortController()];
    const readers = acs.map((ac) => take(hub.subscribe(0, ac.signal), 20));
    expect(hub.subscriberCount).toBe(3);
    emit(t.db, 20, 'x');
    const results = await Promise.all(readers);
    for (const r of results) expect(r).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    for (const ac of acs) ac.abort();
    hub.close();
  });

  it('prunes old events but keeps a minimum window', () => {
    t = createTestContext();
    for (let i = 0; i < 30; i++) appendEvent(t.db, 'job:queued', { jobId: i, kind: 'x' }, i < 20 ? 1_000 : 5_000);
    const deleted = writeTx(t.db, (tx) => pruneEvents(tx, 2_000, 15));
    expect(deleted).toBe(15);
    expect(t.events().map((e) => e.id)[0]).toBe(16);
  });
});

describe('createCoalescer', () => {
  it('turns a burst into at most one flush per interval, merging what came in between', async () => {
    const flushed: number[][] = [];
    const c = createCoalescer<number, number[]>({ intervalMs: 40, initial: () => [], merge: (a, x) => [...a, x], flush: (a) => flushed.push(a) });
    for (let i = 0; i < 100; i++) c.push(i);
    expect(flushed).toEqual([[0]]);
    await new Promise((r) => setTimeout(r, 60));
    expect(flushed).toHaveLength(2);
    expect(flushed[1]).toHaveLength(99);
    c.push(100);
    c.flush();
    expect(flushed.at(-1)).toEqual([100]);
  });
});
