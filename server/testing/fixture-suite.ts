import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeAll } from 'vitest';
import type { Ports } from '../context';
import { addFolder, runQueuedScan } from '../scan/testing';
import { createTestContext, type TestContext } from './create-test-context';
import { fixtureLibrary, type GenerateOptions, type Truth } from './library/generate';

/**
 * For a test file whose tests each work on a scanned copy of one generated library: the library
 * is generated (or taken from the cache) once before the tests, every `scanned()` is a fresh test
 * context with its own copy, and each test's contexts are cleaned up after it.
 */
export function fixtureSuite(opts: GenerateOptions = { n: 12, seed: 5, edgeCases: false }) {
  let lib: { root: string; truth: Truth } | undefined;
  const open: TestContext[] = [];
  beforeAll(async () => {
    lib = await fixtureLibrary(opts);
  }, 300_000);
  afterEach(() => {
    for (const t of open.splice(0)) t.cleanup();
  });
  return {
    get lib() {
      if (!lib) throw new Error('the fixture library is made in beforeAll');
      return lib;
    },
    /** A new context with a scanned copy of the library at `root` (after `prepare` changed it). */
    async scanned(o: { env?: Record<string, string>; ports?: Partial<Ports>; prepare?: (root: string) => void; file?: boolean } = {}) {
      const t = createTestContext({ env: o.env, ports: o.ports, file: o.file });
      open.push(t);
      t.clock.set(Date.now());
      const root = path.join(t.tmp, 'music');
      fs.cpSync(this.lib.root, root, { recursive: true });
      o.prepare?.(root);
      const { dir, scanId } = await addFolder(t.ctx, root);
      await runQueuedScan(t.ctx, scanId);
      return { t, ctx: t.ctx, root, dir };
    },
  };
}
