import fs from 'node:fs';
import path from 'node:path';
import { test as base, expect } from '@playwright/test';
import { createMismoClient } from '../../server/trpc/client';
import { startStack, type Stack } from './stack';

interface StackPool {
  get(file: string, env: Record<string, string>): Promise<Stack>;
}

/**
 * `stack` is a real web + worker with its own data folder, one per spec file: tests in a file
 * share it (and may build on each other's state), other files never see it.
 */
export const test = base.extend<{ stack: Stack; stackEnv: Record<string, string> }, { stackPool: StackPool }>({
  stackEnv: [{}, { option: true }],
  stackPool: [
    // eslint-disable-next-line no-empty-pattern
    async ({}, use) => {
      let current: { file: string; stack: Stack } | undefined;
      await use({
        async get(file, env) {
          if (current?.file === file) return current.stack;
          await current?.stack.stop();
          current = { file, stack: await startStack(env) };
          return current.stack;
        },
      });
      await current?.stack.stop();
    },
    { scope: 'worker', timeout: 120_000 },
  ],
  stack: [async ({ stackPool, stackEnv }, use, testInfo) => use(await stackPool.get(testInfo.file, stackEnv)), { timeout: 120_000 }],
  baseURL: async ({ stack }, use) => use(stack.url),
  // an uncaught error in the page fails the test, even when what it checks still shows
  page: async ({ page }, use) => {
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.stack ?? e.message));
    await use(page);
    expect(errors, 'uncaught errors in the page').toEqual([]);
  },
});

export { expect };

/** Copies a generated library into the stack as the folder "Crate" and waits for its first scan. */
export async function scanCrate(stack: Stack, libRoot: string) {
  const client = createMismoClient({ url: stack.url });
  const root = path.join(stack.tmp, 'crate');
  fs.cpSync(libRoot, root, { recursive: true });
  const dir = await client.directories.create.mutate({ path: root, name: 'Crate' });
  await expect.poll(async () => (await client.scans.status.query({ directoryId: dir.id }))?.status, { timeout: 90_000 }).toBe('completed');
  return { client, dir, root };
}
