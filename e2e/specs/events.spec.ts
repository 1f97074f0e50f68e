import fs from 'node:fs';
import path from 'node:path';
import { test, expect } from '../support/fixtures';
import { createMismoClient } from '../../server/trpc/client';
import type { StoredEvent } from '../../server/events/catalogue';

function collect(client: ReturnType<typeof createMismoClient>, lastEventId: string | null, until: (seen: StoredEvent[]) => boolean) {
  const seen: StoredEvent[] = [];
  return new Promise<StoredEvent[]>((resolve, reject) => {
    const sub = client.events.onEvent.subscribe(
      { lastEventId },
      {
        onData: (env) => {
          seen.push(env.data);
          if (until(seen)) {
            sub.unsubscribe();
            resolve(seen);
          }
        },
        onError: reject,
      },
    );
  });
}

test('a subscriber that reconnects with its last event id gets every missed event exactly once, in order', async ({ stack }) => {
  const client = createMismoClient({ url: stack.url });
  const mk = (name: string) => {
    const p = path.join(stack.tmp, name);
    fs.mkdirSync(p, { recursive: true });
    return client.directories.create.mutate({ path: p });
  };
  await mk('first');
  const initial = await collect(client, '0', (s) => s.some((e) => e.type === 'library:directory:added'));
  const lastId = initial.at(-1)!.id;

  // disconnected: the web and the worker both write events meanwhile
  const created = [];
  for (let i = 0; i < 8; i++) created.push(await mk(`missed-${i}`));
  const expectedDirs = created.map((d) => d.id);

  const resumed = await collect(client, String(lastId), (s) =>
    expectedDirs.every((id) => s.some((e) => e.type === 'library:directory:added' && (e.payload as { directoryId: string }).directoryId === id)),
  );
  const ids = resumed.map((e) => e.id);
  expect(ids[0]).toBe(lastId + 1);
  expect(ids).toEqual([...ids].sort((a, b) => a - b));
  expect(new Set(ids).size).toBe(ids.length);
  for (let i = 1; i < ids.length; i++) expect(ids[i]).toBe(ids[i - 1]! + 1);
  const added = resumed.filter((e) => e.type === 'library:directory:added').map((e) => (e.payload as { directoryId: string }).directoryId);
  expect(added).toEqual(expectedDirs);
});
