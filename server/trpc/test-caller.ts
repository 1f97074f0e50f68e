import type { AuthResult } from '../auth/session';
import { EventHub } from '../events/hub';
import { Vocabulary } from '../search/spelling';
import { FacetIndex } from '../tracks/facet-index';
import type { TestContext } from '../testing/create-test-context';
import { createTrpcContext } from './context';
import { appRouter, createCaller } from './router';

/** A tRPC caller over a test context (no HTTP): routers are tested through it. */
export function testCaller(t: TestContext, auth: AuthResult = { ok: true, via: 'open' }) {
  const hub = new EventHub(t.db, { pollMs: 10 });
  return { caller: createCaller(createTrpcContext({ app: t.ctx, hub, vocabulary: new Vocabulary(t.db, 0), facetIndex: new FacetIndex(t.db, { minReloadMs: 0 }) }, auth)), hub };
}

/** Every procedure path, e.g. "directories.list". */
export const procedurePaths = () => Object.keys(appRouter._def.procedures);

/** Calls a procedure by its path; subscriptions are started and their first value awaited. */
export async function callPath(caller: ReturnType<typeof createCaller>, path: string, input: unknown): Promise<unknown> {
  let fn: unknown = caller;
  for (const part of path.split('.')) fn = (fn as Record<string, unknown>)[part];
  const res: unknown = await (fn as (i: unknown) => Promise<unknown>)(input);
  if (res && typeof res === 'object' && Symbol.asyncIterator in res) {
    const it = (res as AsyncIterable<unknown>)[Symbol.asyncIterator]();
    const first = await Promise.race([it.next(), new Promise((r) => setTimeout(r, 50))]);
    await it.return?.();
    return first;
  }
  return res;
}
