import fs from 'node:fs';
import path from 'node:path';
import { and, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { fileOperations, hotCues, jobs, playlists, playlistTracks, scans, tracks, type Track } from '@/drizzle/schema';
import { reserve } from '../files/disk';
import { commit } from '../files/execute';
import { journalStep } from '../files/journal';
import { commitPlan, planMove } from '../files/plan';
import { fixtureSuite } from '../testing/fixture-suite';
import type { AppContext } from '../context';
import { createInlineScanner } from './inline-scanner';
import type { ScannerPort } from './scanner-port';
import { addFolder, allTracks, heldScanner, hookedScanner, runQueuedScan, scanNow, trackAt } from './testing';

/**
 * Scans meeting what else happens to the files: copies still being written, broken rows whose
 * files become whole, and journaled file operations in flight.
 */
const suite = fixtureSuite({ n: 8, seed: 23, edgeCases: false });

const firstFlac = (ctx: AppContext): Track => allTracks(ctx).find((t) => t.fileExt === 'flac' && !t.isBroken)!;

/** Half of `src` at `dst`, dated a minute ago: a copy that stopped (or was read) half-way. */
function halfCopy(src: string, dst: string, opts: { old?: boolean } = {}) {
  const buf = fs.readFileSync(src);
  fs.mkdirSync(path.dirname(dst), { recursive: true });
  fs.writeFileSync(dst, buf.subarray(0, Math.floor(buf.length * 0.4)));
  if (opts.old) fs.utimesSync(dst, new Date(Date.now() - 60_000), new Date(Date.now() - 60_000));
  return buf;
}

/** A scanner that runs `during` (once) when it reads `relPath`, after reading it. */
function scannerWith(relPath: string, during: () => void): ScannerPort {
  let done = false;
  return hookedScanner({
    after: (task) => {
      if (task.relPath !== relPath || done) return;
      done = true;
      during();
    },
  });
}

const followUps = (ctx: AppContext, directoryId: string) =>
  ctx.db
    .select({ scan: scans, job: jobs })
    .from(scans)
    .innerJoin(jobs, eq(jobs.id, scans.jobId))
    .where(and(eq(scans.directoryId, directoryId), eq(scans.status, 'queued')))
    .all();

describe('files still being written', () => {
  it('a file that grows while it is read is left alone, and a follow-up scan records it whole', async () => {
    const { ctx, root, dir } = await suite.scanned();
    const src = firstFlac(ctx);
    const rel = 'Incoming/copying.flac';
    const whole = halfCopy(path.join(root, src.relPath), path.join(root, rel));
    // the copy goes on while the scan reads what is there so far
    const first = await scanNow(ctx, dir.id, 'hybrid', { scanner: scannerWith(rel, () => fs.writeFileSync(path.join(root, rel), whole)) });
    expect(first.stats).toMatchObject({ changing: 1, broken: 0, added: 0 });
    expect(trackAt(ctx, rel)).toBeUndefined();
    // the follow-up: a change scan of the file's folder, a few seconds later
    const [next, ...more] = followUps(ctx, dir.id);
    expect(more).toEqual([]);
    expect(next!.scan).toMatchObject({ relPath: 'Incoming', strategy: 'hybrid' });
    expect(next!.job.runAfter).toBeGreaterThan(ctx.clock.now());
    const second = await runQueuedScan(ctx, next!.scan.id);
    expect(second.stats).toMatchObject({ added: 1, changing: 0, broken: 0 });
    expect(trackAt(ctx, rel)).toMatchObject({ isBroken: false, audioHash: src.audioHash, sizeBytes: whole.length });
  });

  it('a file cut short and written moments ago is watched for the settle time: if it grows, it is left for later', async () => {
    const { ctx, root, dir } = await suite.scanned();
    const src = firstFlac(ctx);
    const rel = 'Incoming/stalled.flac';
    const whole = halfCopy(path.join(root, src.relPath), path.join(root, rel));
    // the copy stalled while it was read, and goes on a moment later (within the settle time)
    const resume = () => void setTimeout(() => fs.writeFileSync(path.join(root, rel), whole), 100);
    const first = await scanNow(ctx, dir.id, 'hybrid', { scanner: scannerWith(rel, resume) });
    expect(first.stats).toMatchObject({ changing: 1, broken: 0 });
    expect(trackAt(ctx, rel)).toBeUndefined();
    await runQueuedScan(ctx, followUps(ctx, dir.id)[0]!.scan.id);
    expect(trackAt(ctx, rel)).toMatchObject({ isBroken: false, audioHash: src.audioHash });
  });

  it('a file cut short that stays as it is is recorded as broken in the same scan, new or not', async () => {
    const { ctx, root, dir } = await suite.scanned();
    const src = firstFlac(ctx);
    halfCopy(path.join(root, src.relPath), path.join(root, 'Incoming/fresh cut.flac'));
    halfCopy(path.join(root, src.relPath), path.join(root, 'Incoming/old cut.flac'), { old: true });
    const r = await scanNow(ctx, dir.id);
    expect(r.stats).toMatchObject({ changing: 0, broken: 2, added: 2 });
    expect(trackAt(ctx, 'Incoming/fresh cut.flac')?.isBroken).toBe(true);
    expect(trackAt(ctx, 'Incoming/old cut.flac')?.isBroken).toBe(true);
    expect(followUps(ctx, dir.id)).toEqual([]);
  });
});

describe('broken rows whose files become whole', () => {
  /** A half-copied file recorded as broken (as an earlier version did while the copy ran). */
  async function brokenRow() {
    const s = await suite.scanned();
    const src = firstFlac(s.ctx);
    const rel = 'Incoming/partial.flac';
    const whole = halfCopy(path.join(s.root, src.relPath), path.join(s.root, rel), { old: true });
    await scanNow(s.ctx, s.dir.id);
    const row = trackAt(s.ctx, rel)!;
    expect(row.isBroken).toBe(true);
    return { ...s, src, rel, whole, row };
  }

  it('finished in place: the same row, re-read and whole', async () => {
    const { ctx, root, dir, src, rel, whole, row } = await brokenRow();
    fs.writeFileSync(path.join(root, rel), whole);
    await scanNow(ctx, dir.id);
    expect(trackAt(ctx, rel)).toMatchObject({ id: row.id, isBroken: false, audioHash: src.audioHash });
  });

  it('finished and then renamed: still the same row (same inode), at its new name, and no ghost left behind', async () => {
    const { ctx, root, dir, src, rel, whole, row } = await brokenRow();
    const count = allTracks(ctx).length;
    fs.appendFileSync(path.join(root, rel), whole.subarray(fs.statSync(path.join(root, rel)).size));
    fs.renameSync(path.join(root, rel), path.join(root, 'Incoming/Artist - Title.flac'));
    const r = await scanNow(ctx, dir.id);
    expect(r.stats).toMatchObject({ moved: 1, added: 0, missing: 0 });
    expect(trackAt(ctx, 'Incoming/Artist - Title.flac')).toMatchObject({ id: row.id, isBroken: false, audioHash: src.audioHash });
    expect(trackAt(ctx, rel)).toBeUndefined();
    expect(allTracks(ctx)).toHaveLength(count);
    expect(allTracks(ctx).filter((t) => t.isMissing)).toEqual([]);
  });

  it('deleted: the broken row goes, unless a playlist holds it (then it is missing, as any track)', async () => {
    const { ctx, root, dir, rel, row } = await brokenRow();
    const src = firstFlac(ctx);
    halfCopy(path.join(root, src.relPath), path.join(root, 'Incoming/kept.flac'), { old: true });
    await scanNow(ctx, dir.id);
    const kept = trackAt(ctx, 'Incoming/kept.flac')!;
    ctx.db.insert(playlists).values({ id: 'p', name: 'Set', type: 'static', createdAt: 1, updatedAt: 1 }).run();
    ctx.db.insert(playlistTracks).values({ playlistId: 'p', trackId: kept.id, position: 0, addedAt: 1 }).run();
    fs.rmSync(path.join(root, rel));
    fs.rmSync(path.join(root, 'Incoming/kept.flac'));
    const r = await scanNow(ctx, dir.id);
    expect(r.stats).toMatchObject({ removed: 1, missing: 1 });
    expect(ctx.db.select().from(tracks).where(eq(tracks.id, row.id)).get()).toBeUndefined();
    expect(trackAt(ctx, 'Incoming/kept.flac')).toMatchObject({ id: kept.id, isMissing: true, missingReason: 'deleted' });
  });
});

describe('moves the library could not see both ends of', () => {
  /** Folder A (scanned) and an empty folder B; A's first mp3 with a cue, copied to B and scanned there as a copy. */
  async function copiedAcross() {
    const { t, ctx, root, dir } = await suite.scanned();
    const other = path.join(path.dirname(root), 'Laptop');
    fs.mkdirSync(other);
    const b = await addFolder(ctx, other);
    await runQueuedScan(ctx, b.scanId);
    const y = allTracks(ctx).find((x) => x.fileExt === 'mp3' && !x.isBroken)!;
    ctx.db.insert(hotCues).values({ id: 'cue-y', trackId: y.id, cueIndex: 0, positionSec: 12, createdAt: 1, updatedAt: 1 }).run();
    fs.copyFileSync(path.join(root, y.relPath), path.join(other, 'from the stick.mp3'));
    t.clock.advance(60_000);
    await scanNow(ctx, b.dir.id);
    const x = allTracks(ctx).find((t) => t.directoryId === b.dir.id)!;
    expect(x.id).not.toBe(y.id); // both files exist: a copy, with a row of its own
    return { t, ctx, root, dir, b, y, x };
  }

  it('a track whose file vanished while its audio turned up elsewhere as an untouched copy was moved: it takes the copy over', async () => {
    const { ctx, root, dir, b, y, x } = await copiedAcross();
    // the original goes (the stick was unplugged and the file deleted from it meanwhile)
    fs.rmSync(path.join(root, y.relPath));
    const r = await scanNow(ctx, dir.id);
    expect(r.stats).toMatchObject({ missing: 0, moved: 1 });
    expect(ctx.db.select().from(tracks).where(eq(tracks.id, x.id)).get()).toBeUndefined();
    expect(ctx.db.select().from(tracks).where(eq(tracks.id, y.id)).get()).toMatchObject({ directoryId: b.dir.id, relPath: 'from the stick.mp3', isMissing: false });
    expect(ctx.db.select().from(hotCues).all()).toMatchObject([{ id: 'cue-y', trackId: y.id }]);
  });

  it('a copy that sat beside the track while it was still seen is a duplicate, not where it went', async () => {
    const { t, ctx, root, dir, y, x } = await copiedAcross();
    t.clock.advance(60_000);
    await scanNow(ctx, dir.id); // the original is seen, after the copy appeared
    fs.rmSync(path.join(root, y.relPath));
    t.clock.advance(60_000);
    const r = await scanNow(ctx, dir.id);
    expect(r.stats).toMatchObject({ missing: 1, moved: 0 });
    expect(ctx.db.select().from(tracks).where(eq(tracks.id, y.id)).get()).toMatchObject({ isMissing: true });
    expect(ctx.db.select().from(tracks).where(eq(tracks.id, x.id)).get()).toMatchObject({ isMissing: false });
  });

  it('a copy someone already worked on is a copy: the vanished track stays missing', async () => {
    const { ctx, root, dir, y, x } = await copiedAcross();
    ctx.db.insert(hotCues).values({ id: 'cue-x', trackId: x.id, cueIndex: 0, positionSec: 30, createdAt: 1, updatedAt: 1 }).run();
    fs.rmSync(path.join(root, y.relPath));
    const r = await scanNow(ctx, dir.id);
    expect(r.stats).toMatchObject({ missing: 1, moved: 0 });
    expect(ctx.db.select().from(tracks).where(eq(tracks.id, y.id)).get()).toMatchObject({ isMissing: true, missingReason: 'deleted' });
    expect(ctx.db.select().from(tracks).where(eq(tracks.id, x.id)).get()).toMatchObject({ isMissing: false });
  });
});

describe('scans and journaled file operations on the same folder', () => {
  /** A move of one track, carried out by hand up to the rename, as the executor does it. */
  async function moveUnderWay() {
    const s = await suite.scanned();
    const track = firstFlac(s.ctx);
    const plan = await planMove(s.ctx, { trackIds: [track.id], folder: path.join(s.root, 'Moved') });
    const { batchId } = commitPlan(s.ctx, plan);
    let op = s.ctx.db.select().from(fileOperations).where(eq(fileOperations.batchId, batchId)).get()!;
    op = journalStep(s.ctx.db, op, 'started', s.ctx.clock.now());
    fs.mkdirSync(path.dirname(op.dstPath!), { recursive: true });
    await reserve(op.dstPath!);
    op = journalStep(s.ctx.db, op, 'reserved', s.ctx.clock.now());
    const dstRel = path.relative(s.root, op.dstPath!);
    return { ...s, track, op, dstRel, count: allTracks(s.ctx).length };
  }

  it('the operation ends while the scan reads the file at its new path: one row, the same id, no error', async () => {
    const { ctx, dir, track, op, dstRel, count } = await moveUnderWay();
    fs.renameSync(op.srcPath, op.dstPath!);
    const held = heldScanner();
    const scan = scanNow(ctx, dir.id, 'hybrid', { scanner: held.scanner });
    // the scan walked after the rename: the file is new to it at the destination
    await held.reached;
    await commit(ctx, op, 'done');
    held.open();
    const r = await scan;
    expect(r.status).toBe('completed');
    expect(trackAt(ctx, dstRel)).toMatchObject({ id: track.id, isMissing: false });
    expect(allTracks(ctx)).toHaveLength(count);
    expect(allTracks(ctx).filter((t) => t.isMissing)).toEqual([]);
  });

  it('a quick import that meets a row the operation put at the new path takes it as that file', async () => {
    const { ctx, dir, track, op, dstRel, count } = await moveUnderWay();
    fs.renameSync(op.srcPath, op.dstPath!);
    const inner = createInlineScanner();
    // the operation ends after the scan loaded the folder's rows, before it registers new names
    const scanner: ScannerPort = {
      parallelism: inner.parallelism,
      walk: async function* (o, s) {
        await commit(ctx, op, 'done');
        return yield* inner.walk(o, s);
      },
      analyze: (t, o) => inner.analyze(t, o),
      close: () => inner.close(),
    };
    const r = await scanNow(ctx, dir.id, 'fast', { scanner });
    expect(r.status).toBe('completed');
    expect(trackAt(ctx, dstRel)).toMatchObject({ id: track.id, isMissing: false });
    expect(allTracks(ctx)).toHaveLength(count);
  });

  it('while the operation is unfinished, the scan leaves both its paths to it (not the empty placeholder, not missing)', async () => {
    const { ctx, dir, track, op, dstRel, count } = await moveUnderWay();
    // the destination is still the empty placeholder the executor reserved
    const during = await scanNow(ctx, dir.id);
    expect(during.status).toBe('completed');
    expect(trackAt(ctx, dstRel)).toBeUndefined();
    expect(ctx.db.select().from(tracks).where(eq(tracks.id, track.id)).get()).toMatchObject({ relPath: track.relPath, isMissing: false, isBroken: false });
    // renamed, still not recorded: the scan again leaves it, rather than calling the track missing
    fs.renameSync(op.srcPath, op.dstPath!);
    expect((await scanNow(ctx, dir.id)).stats).toMatchObject({ missing: 0, added: 0, moved: 0 });
    await commit(ctx, op, 'done');
    expect((await scanNow(ctx, dir.id)).stats).toMatchObject({ missing: 0, added: 0, moved: 0 });
    expect(trackAt(ctx, dstRel)).toMatchObject({ id: track.id, isMissing: false });
    expect(allTracks(ctx)).toHaveLength(count);
  });
});
