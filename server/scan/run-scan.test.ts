import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { hotCues, jobs, playlistTracks, playlists, scans, tracks } from '@/drizzle/schema';
import { createTestContext, type TestContext } from '../testing/create-test-context';
import { fixtureLibrary, type Truth } from '../testing/library/generate';
import { writeTags } from '../testing/library/encode';
import { RetryLaterError } from '../errors';
import { createInlineScanner } from './inline-scanner';
import { runScan } from './run-scan';
import { startScan } from './start-scan';
import type { ScannerPort } from './scanner-port';
import { addFolder, allTracks, heldScanner, runQueuedScan, scanNow, trackAt } from './testing';

let lib: { root: string; truth: Truth };
let t: TestContext | undefined;
beforeAll(async () => {
  lib = await fixtureLibrary({ n: 12, seed: 5, edgeCases: false });
}, 300_000);
afterEach(() => {
  t?.cleanup();
  t = undefined;
});

/** A scratch copy of the fixture library the test may change. */
function scratch(name = 'music') {
  t = createTestContext();
  t.clock.set(Date.now());
  const dir = path.join(t.tmp, name);
  fs.cpSync(lib.root, dir, { recursive: true });
  return dir;
}
const firstMp3 = () => lib.truth.tracks.find((x) => x.format.startsWith('mp3') && !x.path.startsWith('_Formats'))!.path;

describe('scan strategies', () => {
  it('a finished scan says how long it took, from its start to its end', async () => {
    const root = scratch();
    const { scanId } = await addFolder(t!.ctx, root);
    const inner = createInlineScanner();
    // each file read takes a (fake) second
    const slow: ScannerPort = { ...inner, analyze: (task, o) => (t!.clock.advance(1000), inner.analyze(task, o)) };
    const r = await runQueuedScan(t!.ctx, scanId, { scanner: slow });
    const row = t!.ctx.db.select().from(scans).where(eq(scans.id, scanId)).get()!;
    expect(r.stats.elapsedMs).toBeGreaterThanOrEqual(lib.truth.tracks.length * 1000);
    expect(row.stats.elapsedMs).toBe(row.finishedAt! - row.startedAt!);
  });

  it('hybrid: an unchanged folder is only listed, nothing is read again', async () => {
    const root = scratch();
    const { dir, scanId } = await addFolder(t!.ctx, root);
    await runQueuedScan(t!.ctx, scanId);
    const before = allTracks(t!.ctx);
    const second = await scanNow(t!.ctx, dir.id, 'hybrid');
    expect(second.stats).toMatchObject({ found: before.length, unchanged: before.length, processed: 0, added: 0, updated: 0, missing: 0 });
    expect(allTracks(t!.ctx)).toEqual(before);
  });

  it('full: every file is read and hashed again, keeping every id', async () => {
    const root = scratch();
    const { dir, scanId } = await addFolder(t!.ctx, root);
    await runQueuedScan(t!.ctx, scanId);
    const ids = allTracks(t!.ctx)
      .map((x) => x.id)
      .sort();
    const full = await scanNow(t!.ctx, dir.id, 'full');
    expect(full.stats).toMatchObject({ processed: ids.length, updated: ids.length, added: 0 });
    expect(
      allTracks(t!.ctx)
        .map((x) => x.id)
        .sort(),
    ).toEqual(ids);
  });

  it('fast: new files show up from their names before any is read, then are completed in the same job', async () => {
    const root = scratch();
    const { dir, scanId } = await addFolder(t!.ctx, root);
    t!.db.update(jobs).set({ status: 'cancelled' }).where(eq(jobs.kind, 'library.scan')).run(); // drop the creation scan
    void scanId;
    const { scanner, open } = heldScanner();
    const { scan } = startScan(t!.ctx, { directoryId: dir.id, strategy: 'fast' });
    const running = runQueuedScan(t!.ctx, scan.id, { scanner });
    for (let i = 0; i < 100 && allTracks(t!.ctx).length < lib.truth.tracks.length; i++) await new Promise((r) => setTimeout(r, 20));
    const quick = allTracks(t!.ctx);
    expect(quick).toHaveLength(lib.truth.tracks.length);
    expect(quick.every((x) => x.audioHash === null && x.metadataSource === 'filename' && x.title)).toBe(true);
    open();
    const done = await running;
    expect(done.status).toBe('completed');
    const complete = allTracks(t!.ctx);
    expect(complete.map((x) => x.id).sort()).toEqual(quick.map((x) => x.id).sort());
    expect(complete.every((x) => /^[0-9a-f]{16}$/.test(x.audioHash!))).toBe(true);
    expect(complete.filter((x) => x.metadataSource === 'tags').length).toBeGreaterThan(0);
  });
});

describe('identity', () => {
  it('re-tagging a file updates its tags but never makes it a new track', async () => {
    const root = scratch();
    const { dir, scanId } = await addFolder(t!.ctx, root);
    await runQueuedScan(t!.ctx, scanId);
    const rel = firstMp3();
    const before = trackAt(t!.ctx, rel)!;
    await writeTags([{ path: path.join(root, rel), tags: { title: 'Brand New Title', artist: 'Someone', bpm: 128, key: '5A' }, id3: 'v24' }]);
    fs.utimesSync(path.join(root, rel), new Date(), new Date(Date.now() + 5000));
    const r = await scanNow(t!.ctx, dir.id);
    expect(r.stats).toMatchObject({ updated: 1, added: 0, missing: 0 });
    const after = trackAt(t!.ctx, rel)!;
    expect(after).toMatchObject({ id: before.id, audioHash: before.audioHash, title: 'Brand New Title', tagBpm: 128, tagKey: '5A', tagKeyPitch: 0, tagKeyMode: 0 });
  });

  it('a file moved to another folder keeps its id, cues and playlist entries', async () => {
    const root = scratch();
    const { dir, scanId } = await addFolder(t!.ctx, root);
    await runQueuedScan(t!.ctx, scanId);
    const rel = firstMp3();
    const track = trackAt(t!.ctx, rel)!;
    t!.db.insert(hotCues).values({ id: 'cue1', trackId: track.id, cueIndex: 0, positionSec: 12.5, createdAt: 1, updatedAt: 1 }).run();
    t!.db.insert(playlists).values({ id: 'p1', name: 'Set', type: 'static', createdAt: 1, updatedAt: 1 }).run();
    t!.db.insert(playlistTracks).values({ playlistId: 'p1', trackId: track.id, position: 0, addedAt: 1 }).run();
    t!.db.update(tracks).set({ rating: 5 }).where(eq(tracks.id, track.id)).run();
    fs.mkdirSync(path.join(root, 'Sorted/Deeper'), { recursive: true });
    fs.renameSync(path.join(root, rel), path.join(root, 'Sorted/Deeper/renamed.mp3'));
    const r = await scanNow(t!.ctx, dir.id);
    expect(r.stats).toMatchObject({ moved: 1, added: 0, missing: 0 });
    expect(trackAt(t!.ctx, rel)).toBeUndefined();
    expect(trackAt(t!.ctx, 'Sorted/Deeper/renamed.mp3')).toMatchObject({ id: track.id, rating: 5, isMissing: false });
    expect(t!.db.select().from(hotCues).all()).toMatchObject([{ trackId: track.id }]);
    expect(t!.db.select().from(playlistTracks).all()).toMatchObject([{ trackId: track.id }]);
    expect(t!.events().filter((e) => e.type === 'track:moved')).toMatchObject([{ payload: { trackId: track.id, to: { relPath: 'Sorted/Deeper/renamed.mp3' } } }]);
  });

  it('a file moved into another library folder keeps its id there too', async () => {
    const rootA = scratch('A');
    const rootB = path.join(t!.tmp, 'B');
    fs.mkdirSync(rootB);
    const a = await addFolder(t!.ctx, rootA);
    await runQueuedScan(t!.ctx, a.scanId);
    const b = await addFolder(t!.ctx, rootB);
    await runQueuedScan(t!.ctx, b.scanId);
    const rel = firstMp3();
    const track = trackAt(t!.ctx, rel)!;
    fs.renameSync(path.join(rootA, rel), path.join(rootB, 'moved.mp3'));
    const r = await scanNow(t!.ctx, b.dir.id); // folder A is not rescanned first
    expect(r.stats).toMatchObject({ moved: 1, added: 0 });
    expect(trackAt(t!.ctx, 'moved.mp3')).toMatchObject({ id: track.id, directoryId: b.dir.id });
    // and A's next scan does not see anything missing
    expect((await scanNow(t!.ctx, a.dir.id)).stats.missing).toBe(0);
  });

  it('when both copies exist it is a duplicate, not a move', async () => {
    const root = scratch();
    const { dir, scanId } = await addFolder(t!.ctx, root);
    await runQueuedScan(t!.ctx, scanId);
    const rel = firstMp3();
    const original = trackAt(t!.ctx, rel)!;
    fs.copyFileSync(path.join(root, rel), path.join(root, 'copy.mp3'));
    const r = await scanNow(t!.ctx, dir.id);
    expect(r.stats).toMatchObject({ moved: 0, added: 1, duplicates: 1 });
    const copy = trackAt(t!.ctx, 'copy.mp3')!;
    expect(copy.id).not.toBe(original.id);
    expect(copy.duplicateGroupId).not.toBeNull();
    expect(trackAt(t!.ctx, rel)!.duplicateGroupId).toBe(copy.duplicateGroupId);
    expect(t!.events().some((e) => e.type === 'duplicate:detected')).toBe(true);
  });
});

describe('missing files', () => {
  it('a deleted file becomes missing (never deleted) and comes back when restored', async () => {
    const root = scratch();
    const { dir, scanId } = await addFolder(t!.ctx, root);
    await runQueuedScan(t!.ctx, scanId);
    const rel = firstMp3();
    const id = trackAt(t!.ctx, rel)!.id;
    fs.renameSync(path.join(root, rel), path.join(t!.tmp, 'aside.mp3'));
    const gone = await scanNow(t!.ctx, dir.id);
    expect(gone.stats.missing).toBe(1);
    expect(trackAt(t!.ctx, rel)).toMatchObject({ id, isMissing: true, missingReason: 'deleted', missingSince: t!.clock.now() });
    fs.renameSync(path.join(t!.tmp, 'aside.mp3'), path.join(root, rel));
    const back = await scanNow(t!.ctx, dir.id);
    expect(back.stats).toMatchObject({ restored: 1, added: 0 });
    expect(trackAt(t!.ctx, rel)).toMatchObject({ id, isMissing: false, missingSince: null });
  });

  it('an unplugged folder is not scanned: its tracks are offline, none is taken for deleted', async () => {
    const root = scratch();
    const { dir, scanId } = await addFolder(t!.ctx, root);
    await runQueuedScan(t!.ctx, scanId);
    fs.renameSync(root, root + '-unplugged');
    const { scan } = startScan(t!.ctx, { directoryId: dir.id }, 'system');
    const r = await runQueuedScan(t!.ctx, scan.id);
    expect(r).toMatchObject({ status: 'failed', error: expect.stringMatching(/offline/) as unknown });
    expect(allTracks(t!.ctx).every((x) => x.isMissing && x.missingReason === 'offline')).toBe(true);
  });

  it('files in a folder the walk could not read are reported and not marked missing', async () => {
    const root = scratch();
    const { dir, scanId } = await addFolder(t!.ctx, root);
    await runQueuedScan(t!.ctx, scanId);
    const inner = createInlineScanner();
    // a walk that cannot open "_Formats" (as with a permission error)
    const scanner: ScannerPort = {
      ...inner,
      walk: async function* (o, sig) {
        let reported = false;
        for await (const batch of inner.walk(o, sig)) {
          const kept = batch.filter((x) => !x.relPath.startsWith('_Formats/'));
          if (!reported) {
            kept.push({ relPath: '_Formats', problem: 'permission denied' });
            reported = true;
          }
          yield kept;
        }
        return undefined;
      },
    };
    const r = await scanNow(t!.ctx, dir.id, 'hybrid', { scanner });
    expect(r.stats).toMatchObject({ missing: 0, issues: 1 });
    expect(allTracks(t!.ctx).some((x) => x.isMissing)).toBe(false);
    const scan = t!.db.select().from(scans).orderBy(scans.id).all().at(-1)!;
    expect(scan.issues).toEqual([{ relPath: '_Formats', problem: 'permission denied' }]);
  });

  it('a folder-level scan only judges files inside that folder', async () => {
    const root = scratch();
    const { dir, scanId } = await addFolder(t!.ctx, root);
    await runQueuedScan(t!.ctx, scanId);
    const outside = firstMp3();
    fs.rmSync(path.join(root, outside));
    const r = await scanNow(t!.ctx, dir.id, 'hybrid', { relPath: '_Formats' });
    expect(r.stats.missing).toBe(0);
    expect(r.stats.found).toBe(lib.truth.tracks.filter((x) => x.path.startsWith('_Formats/')).length);
    expect(trackAt(t!.ctx, outside)!.isMissing).toBe(false);
  });
});

describe('links and patterns that would reach outside the folder', () => {
  it('a link leading outside is never followed, whatever the setting; a link inside the folder is fine (its files count once)', async () => {
    const root = scratch();
    const outside = path.join(t!.tmp, 'outside');
    fs.mkdirSync(outside);
    fs.copyFileSync(path.join(root, firstMp3()), path.join(outside, 'secret.mp3'));
    fs.symlinkSync('/etc/passwd', path.join(root, 'evil.mp3'));
    fs.symlinkSync(path.join(outside, 'secret.mp3'), path.join(root, 'leak.mp3'));
    fs.symlinkSync(outside, path.join(root, 'elsewhere'));
    fs.mkdirSync(path.join(root, 'Inside'));
    fs.symlinkSync(path.join(root, '_Formats'), path.join(root, 'Inside', 'formats-link'));
    const { dir, scanId } = await addFolder(t!.ctx, root, { followSymlinks: true });
    await runQueuedScan(t!.ctx, scanId);
    const paths = allTracks(t!.ctx).map((x) => x.relPath);
    expect(paths.filter((p) => /evil|leak|elsewhere/.test(p))).toEqual([]);
    const scan = t!.db.select().from(scans).orderBy(scans.id).all().at(-1)!;
    expect(scan.issues.map((i) => i.relPath).sort()).toEqual(['elsewhere', 'evil.mp3', 'leak.mp3']);
    expect(scan.issues.every((i) => i.problem.includes('outside this folder'))).toBe(true);
    // a single file named by a watcher event is held to the same rule
    const one = await scanNow(t!.ctx, dir.id, 'hybrid', { relPath: 'leak.mp3' });
    expect(one.stats.found).toBe(0);
    expect(trackAt(t!.ctx, 'leak.mp3')).toBeUndefined();
  });

  it('include patterns only narrow the audio files: passwd and text never become tracks', async () => {
    const root = scratch();
    fs.writeFileSync(path.join(root, 'passwd'), 'root:x:0:0');
    fs.writeFileSync(path.join(root, 'notes.txt'), 'hello');
    const { scanId } = await addFolder(t!.ctx, root, { includePatterns: ['**/passwd', '**/*.txt', '_Formats/**'] });
    await runQueuedScan(t!.ctx, scanId);
    const paths = allTracks(t!.ctx).map((x) => x.relPath);
    expect(paths).not.toContain('passwd');
    expect(paths).not.toContain('notes.txt');
    expect(paths.length).toBe(lib.truth.tracks.filter((x) => x.path.startsWith('_Formats/')).length);
  });
});

describe('cancel and concurrency', () => {
  it('cancelling mid-scan keeps only whole rows, marks nothing missing, and the next scan finishes the job', async () => {
    const root = scratch();
    const { dir, scanId: first } = await addFolder(t!.ctx, root);
    const inner = createInlineScanner();
    const ac = new AbortController();
    let analysed = 0;
    const scanner: ScannerPort = {
      ...inner,
      walk: (o, s) => inner.walk(o, s),
      analyze: async (task, o) => {
        if (++analysed === 5) ac.abort();
        return inner.analyze(task, o);
      },
    };
    const r = await runQueuedScan(t!.ctx, first, { scanner, signal: ac.signal });
    const scan = { id: first };
    expect(r.status).toBe('cancelled');
    const partial = allTracks(t!.ctx);
    expect(partial.length).toBeGreaterThan(0);
    expect(partial.length).toBeLessThan(lib.truth.tracks.length);
    for (const row of partial) expect(row.audioHash ?? row.brokenReason, row.relPath).toBeTruthy();
    expect(partial.some((x) => x.isMissing)).toBe(false);
    expect(t!.db.select().from(scans).where(eq(scans.id, scan.id)).get()).toMatchObject({ status: 'cancelled' });
    const rest = await scanNow(t!.ctx, dir.id);
    expect(rest.stats.added + partial.length).toBe(lib.truth.tracks.length);
    expect(allTracks(t!.ctx)).toHaveLength(lib.truth.tracks.length);
  });

  it('two scans requested at once for one folder are one scan', async () => {
    const root = scratch();
    const { dir, scanId } = await addFolder(t!.ctx, root);
    const a = startScan(t!.ctx, { directoryId: dir.id });
    const b = startScan(t!.ctx, { directoryId: dir.id, priority: 'high' });
    expect(a.scan.id).toBe(scanId);
    expect(b).toMatchObject({ created: false, scan: { id: scanId } });
    expect(t!.db.select().from(jobs).where(eq(jobs.kind, 'library.scan')).all()).toHaveLength(1);
  });

  it('a second scan of a folder waits while another one runs', async () => {
    const root = scratch();
    const { dir, scanId } = await addFolder(t!.ctx, root);
    // pretend the first scan's job is being run by a worker
    const first = t!.db.select().from(scans).where(eq(scans.id, scanId)).get()!;
    t!.db
      .update(jobs)
      .set({ status: 'running', leaseOwner: 'w', leaseExpiresAt: Date.now() + 60_000 })
      .where(eq(jobs.id, first.jobId!))
      .run();
    t!.db.update(scans).set({ status: 'running' }).where(eq(scans.id, scanId)).run();
    const other = startScan(t!.ctx, { directoryId: dir.id, relPath: '_Formats' });
    await expect(runScan(t!.ctx, other.scan.id, { scanner: createInlineScanner(), signal: new AbortController().signal })).rejects.toThrow(RetryLaterError);
  });
});
