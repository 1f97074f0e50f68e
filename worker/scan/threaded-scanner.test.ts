import fs from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '@/server/testing/create-test-context';
import { fixtureLibrary, type Truth } from '@/server/testing/library/generate';
import { silentLogger } from '@/server/log';
import { addFolder, allTracks, runQueuedScan } from '@/server/scan/testing';
import { createThreadedScanner } from './threaded-scanner';

let lib: { root: string; truth: Truth };
let t: TestContext | undefined;
const scanner = createThreadedScanner({ threads: 2, log: silentLogger });
beforeAll(async () => {
  lib = await fixtureLibrary({ n: 40, seed: 11 });
}, 300_000);
afterEach(() => {
  t?.cleanup();
  t = undefined;
});
afterAll(() => scanner.close());

describe('threaded scanner', () => {
  it('scans off the main thread with exactly the results of the in-process scanner', async () => {
    t = createTestContext();
    t.clock.set(Date.now());
    const { scanId } = await addFolder(t.ctx, lib.root);
    const r = await runQueuedScan(t.ctx, scanId, { scanner });
    expect(r.status).toBe('completed');
    const expected = [...lib.truth.tracks.map((x) => x.path), ...lib.truth.specials.filter((s) => s.expect !== 'ignored').map((s) => s.path)].sort();
    expect(
      allTracks(t.ctx)
        .map((x) => x.relPath)
        .sort(),
    ).toEqual(expected);
    expect(allTracks(t.ctx).filter((x) => x.isBroken).length).toBe(lib.truth.specials.filter((s) => s.expect === 'broken').length);
  });

  it('records a file that takes too long as broken and goes on with the rest', async () => {
    t = createTestContext();
    t.clock.set(Date.now());
    const dir = path.join(t.tmp, 'slow');
    fs.mkdirSync(dir);
    const first = lib.truth.tracks.find((x) => x.format === 'flac')!;
    fs.copyFileSync(path.join(lib.root, first.path), path.join(dir, 'fine.flac'));
    // a 1.5 GB sparse "mp3": hashing it takes far longer than the limit below
    fs.writeFileSync(path.join(dir, 'huge.mp3'), Buffer.from([0xff, 0xfb, 0x90, 0x64]));
    fs.truncateSync(path.join(dir, 'huge.mp3'), 1_500_000_000);
    t.ctx.settings.update({ 'library.perFileTimeoutMs': 1000 });
    const { scanId } = await addFolder(t.ctx, dir);
    const r = await runQueuedScan(t.ctx, scanId, { scanner });
    expect(r.status).toBe('completed');
    const rows = new Map(allTracks(t.ctx).map((x) => [x.relPath, x]));
    expect(rows.get('huge.mp3')).toMatchObject({ isBroken: true, brokenReason: expect.stringMatching(/^timeout/) as unknown });
    expect(rows.get('fine.flac')).toMatchObject({ isBroken: false });
  }, 60_000);
});
