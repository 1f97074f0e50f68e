import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { hotCues, playlistTracks, playlists, tracks } from '@/drizzle/schema';
import type { TestContext } from '../testing/create-test-context';
import { dbFingerprint } from '../testing/db-fingerprint';
import { fixtureSuite } from '../testing/fixture-suite';
import { createInlineScanner } from '../scan/inline-scanner';
import { allTracks, runQueuedScan, scanNow, trackAt } from '../scan/testing';
import { scans } from '@/drizzle/schema';
import { testCaller } from '../trpc/test-caller';
import { confirmRelocate, looseName, previewCleanup, relocateMissing, runCleanup, undoCleanup } from './missing';

const suite = fixtureSuite();
/** The current test's context (each test scans its own copy). */
let t: TestContext | undefined;

async function scanned() {
  const s = await suite.scanned();
  t = s.t;
  return s;
}
const mp3s = () => suite.lib.truth.tracks.filter((x) => x.path.endsWith('.mp3') && !x.path.startsWith('_Formats'));
const opts = () => ({ scanner: createInlineScanner(), signal: new AbortController().signal });
/** Runs the one-file scans a re-attach queues. */
const runQueued = async () => {
  for (const s of t!.db.select().from(scans).where(eq(scans.status, 'queued')).all()) await runQueuedScan(t!.ctx, s.id);
};
const inPlaylist = (trackId: string) => {
  t!.db.insert(playlists).values({ id: 'p1', name: 'Warm-up', type: 'static', createdAt: 1, updatedAt: 1 }).onConflictDoNothing().run();
  t!.db.insert(playlistTracks).values({ playlistId: 'p1', trackId, position: 0, addedAt: 1 }).run();
};

describe('relocating missing tracks', () => {
  it('finds a file moved while nobody watched, by its audio, and keeps the track, its cues and playlist entries', async () => {
    const { root, dir, ctx } = await scanned();
    const rel = mp3s()[0]!.path;
    const track = trackAt(ctx, rel)!;
    inPlaylist(track.id);
    t!.db.insert(hotCues).values({ id: 'c1', trackId: track.id, cueIndex: 0, positionSec: 30, createdAt: 1, updatedAt: 1 }).run();
    // the file moves, and only its old folder is rescanned: the track is missing, the new file unknown
    fs.mkdirSync(path.join(root, 'Recovered', 'From Backup'), { recursive: true });
    fs.renameSync(path.join(root, rel), path.join(root, 'Recovered/From Backup/new name.mp3'));
    await scanNow(ctx, dir.id, 'hybrid', { relPath: path.dirname(rel) });
    expect(trackAt(ctx, rel)).toMatchObject({ id: track.id, isMissing: true, missingReason: 'deleted' });

    const r = await relocateMissing(ctx, { searchPaths: [path.join(root, 'Recovered')] }, opts());
    expect(r).toMatchObject({ looked: 1, reattached: [{ trackId: track.id, path: path.join(root, 'Recovered/From Backup/new name.mp3') }], notFound: 0 });
    await runQueued();
    expect(trackAt(ctx, 'Recovered/From Backup/new name.mp3')).toMatchObject({ id: track.id, isMissing: false, audioHash: track.audioHash, sizeBytes: track.sizeBytes });
    expect(t!.db.select().from(playlistTracks).all()).toMatchObject([{ trackId: track.id }]);
    expect(t!.db.select().from(hotCues).all()).toMatchObject([{ trackId: track.id }]);
    // a full rescan agrees: nothing missing, nothing new
    const again = await scanNow(ctx, dir.id, 'hybrid');
    expect(again.stats).toMatchObject({ added: 0, missing: 0 });
  });

  it('merges a missing track with the copy of its audio the library already has, keeping the older identity', async () => {
    const { root, dir, ctx } = await scanned();
    const rel = mp3s()[0]!.path;
    const track = trackAt(ctx, rel)!;
    inPlaylist(track.id);
    t!.db.update(tracks).set({ rating: 4, playCount: 7 }).where(eq(tracks.id, track.id)).run();
    fs.mkdirSync(path.join(root, 'Copy'));
    fs.copyFileSync(path.join(root, rel), path.join(root, 'Copy/same audio.mp3'));
    await scanNow(ctx, dir.id);
    const copy = trackAt(ctx, 'Copy/same audio.mp3')!;
    expect(copy.duplicateGroupId).not.toBeNull();
    fs.rmSync(path.join(root, rel));
    await scanNow(ctx, dir.id);

    const r = await relocateMissing(ctx, {}, opts());
    expect(r.reattached).toEqual([{ trackId: track.id, path: path.join(root, 'Copy/same audio.mp3') }]);
    await runQueued();
    expect(trackAt(ctx, 'Copy/same audio.mp3')).toMatchObject({ id: track.id, rating: 4, playCount: 7, isMissing: false, duplicateGroupId: null });
    expect(allTracks(ctx).find((x) => x.id === copy.id)).toBeUndefined();
    expect(t!.db.select().from(playlistTracks).all()).toMatchObject([{ trackId: track.id }]);
  });

  it('offers (does not merge) a second copy of the audio that was in the library long before', async () => {
    const { root, dir, ctx } = await scanned();
    const rel = mp3s()[0]!.path;
    const track = trackAt(ctx, rel)!;
    fs.mkdirSync(path.join(root, 'Copy'));
    fs.copyFileSync(path.join(root, rel), path.join(root, 'Copy/kept copy.mp3'));
    await scanNow(ctx, dir.id);
    const copy = trackAt(ctx, 'Copy/kept copy.mp3')!;
    t!.clock.advance(3 * 86_400_000);
    fs.rmSync(path.join(root, rel));
    await scanNow(ctx, dir.id);
    const r = await relocateMissing(ctx, {}, opts());
    expect(r.reattached).toEqual([]);
    expect(r.candidates).toEqual([{ trackId: track.id, path: path.join(root, 'Copy/kept copy.mp3'), matchTrackId: copy.id, reason: 'same audio' }]);
    expect(trackAt(ctx, 'Copy/kept copy.mp3')!.id).toBe(copy.id);
  });

  it('offers a file with the same name and length but other audio for confirmation, and re-attaches it when confirmed', async () => {
    const { root, dir, ctx } = await scanned();
    const rel = mp3s()[0]!.path;
    const track = trackAt(ctx, rel)!;
    // "the same track" re-encoded: same name, same length, other audio bytes
    const bytes = fs.readFileSync(path.join(root, rel));
    const at = Math.floor(bytes.length * 0.6);
    bytes[at] = bytes[at]! ^ 0x55;
    fs.mkdirSync(path.join(root, 'Reencoded'));
    fs.writeFileSync(path.join(root, 'Reencoded', path.basename(rel)), bytes);
    fs.rmSync(path.join(root, rel));
    await scanNow(ctx, dir.id);
    const other = trackAt(ctx, `Reencoded/${path.basename(rel)}`)!;
    expect(other.audioHash).not.toBe(track.audioHash);

    const r = await relocateMissing(ctx, {}, opts());
    expect(r.reattached).toEqual([]);
    expect(r.candidates).toEqual([{ trackId: track.id, path: path.join(root, 'Reencoded', path.basename(rel)), matchTrackId: other.id, reason: 'name and duration' }]);
    await confirmRelocate(ctx, { trackId: track.id, path: r.candidates[0]!.path });
    await runQueued();
    expect(trackAt(ctx, `Reencoded/${path.basename(rel)}`)).toMatchObject({ id: track.id, isMissing: false, audioHash: other.audioHash });
  });

  it('refuses folders outside the library and bad paths, changing nothing', async () => {
    const { ctx } = await scanned();
    const { caller, hub } = testCaller(t!);
    const outside = path.join(t!.tmp, 'outside');
    fs.mkdirSync(outside);
    const before = dbFingerprint(ctx.db);
    await expect(caller.missing.relocate({ searchPaths: [outside] })).rejects.toMatchObject({
      code: 'BAD_REQUEST',
      message: expect.stringMatching(/not inside a library folder/) as unknown,
    });
    await expect(caller.missing.relocate({ searchPaths: ['relative/path'] })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    await expect(caller.missing.relocate({ searchPaths: ['/no/such/folder'] })).rejects.toMatchObject({
      code: 'BAD_REQUEST',
      message: expect.stringMatching(/does not exist/) as unknown,
    });
    await expect(caller.missing.confirmRelocate({ trackId: allTracks(ctx)[0]!.id, path: path.join(outside, 'x.mp3') })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    expect(dbFingerprint(ctx.db)).toBe(before);
    hub.close();
  });

  it('compares names loosely', () => {
    expect(looseName('01 - Café del Mar (Original Mix).mp3')).toBe(looseName('cafe_del_mar-original-mix.FLAC'));
    expect(looseName('12. Track.aiff')).toBe('track');
  });
});

describe('cleaning up missing tracks', () => {
  const DAY = 86_400_000;
  async function withMissing() {
    const s = await scanned();
    const all = allTracks(s.ctx);
    const [old1, old2, recent, offline] = all;
    const now = s.ctx.clock.now();
    const set = (id: string, since: number, reason: 'deleted' | 'offline') =>
      t!.db.update(tracks).set({ isMissing: true, missingReason: reason, missingSince: since }).where(eq(tracks.id, id)).run();
    set(old1!.id, now - 40 * DAY, 'deleted');
    set(old2!.id, now - 35 * DAY, 'deleted');
    set(recent!.id, now - 2 * DAY, 'deleted');
    set(offline!.id, now - 90 * DAY, 'offline');
    inPlaylist(old1!.id);
    t!.db.insert(hotCues).values({ id: 'c1', trackId: old1!.id, cueIndex: 0, positionSec: 10, createdAt: 1, updatedAt: 1 }).run();
    return { ...s, old1: old1!, old2: old2!, recent: recent!, offline: offline!, count: all.length };
  }

  it('previews, exports, removes only tracks missing longer than the limit (never offline ones), and undoes', async () => {
    const s = await withMissing();
    const before = dbFingerprint(s.ctx.db);
    const preview = previewCleanup(s.ctx, {});
    expect(preview).toMatchObject({ olderThanDays: 30, count: 2, playlistEntries: 1 });
    expect(preview.sample.map((x) => x.id).sort()).toEqual([s.old1.id, s.old2.id].sort());
    expect(dbFingerprint(s.ctx.db)).toBe(before); // a dry run changes nothing

    const r = runCleanup(s.ctx, {});
    expect(r.removed).toBe(2);
    const exported = JSON.parse(fs.readFileSync(r.exportPath!, 'utf8')) as { tracks: { id: string }[]; hotCues: unknown[]; playlistEntries: unknown[] };
    expect(exported.tracks.map((x) => x.id).sort()).toEqual([s.old1.id, s.old2.id].sort());
    expect(exported.hotCues).toHaveLength(1);
    expect(path.dirname(r.exportPath!)).toBe(path.join(s.ctx.env.dataDir, 'exports'));
    expect(allTracks(s.ctx)).toHaveLength(s.count - 2);
    expect(allTracks(s.ctx).map((x) => x.id)).toEqual(expect.arrayContaining([s.recent.id, s.offline.id]));
    // the playlist keeps a placeholder
    expect(t!.db.select().from(playlistTracks).all()).toMatchObject([{ trackId: null, placeholder: { title: s.old1.title } }]);

    expect(undoCleanup(s.ctx, r.cleanupId!)).toEqual({ restored: 2, occupied: [] });
    expect(allTracks(s.ctx)).toHaveLength(s.count);
    expect(trackAt(s.ctx, s.old1.relPath)).toMatchObject({ id: s.old1.id, isMissing: true, title: s.old1.title });
    expect(t!.db.select().from(playlistTracks).all()).toMatchObject([{ trackId: s.old1.id, placeholder: null }]);
    expect(t!.db.select().from(hotCues).all()).toMatchObject([{ trackId: s.old1.id }]);
    expect(() => undoCleanup(s.ctx, r.cleanupId!)).toThrow(/already undone/);
  });

  it('undo leaves out, and says so, a track whose path holds another track now: no cue or entry goes to the newcomer', async () => {
    const s = await withMissing();
    const r = runCleanup(s.ctx, {});
    // the file came back meanwhile and was scanned in as a new track at the same path
    const { id: _id, seq: _seq, keySort: _keySort, ...row } = s.old1;
    t!.db
      .insert(tracks)
      .values({ ...row, id: 'newcomer', isMissing: false, missingReason: null, missingSince: null })
      .run();
    expect(undoCleanup(s.ctx, r.cleanupId!)).toEqual({ restored: 1, occupied: [s.old1.relPath] });
    expect(trackAt(s.ctx, s.old1.relPath)).toMatchObject({ id: 'newcomer' });
    expect(allTracks(s.ctx).map((x) => x.id)).toContain(s.old2.id);
    expect(allTracks(s.ctx).map((x) => x.id)).not.toContain(s.old1.id);
    // old1's cue and playlist entry did not land on anything: the entry stays a placeholder
    expect(t!.db.select().from(hotCues).all()).toEqual([]);
    expect(t!.db.select().from(playlistTracks).all()).toMatchObject([{ trackId: null, placeholder: { title: s.old1.title } }]);
  });

  it('undo puts back what it can when a playlist was deleted since: the tracks and cues, not entries of a playlist that is gone', async () => {
    const s = await withMissing();
    const r = runCleanup(s.ctx, {});
    t!.db.delete(playlists).where(eq(playlists.id, 'p1')).run();
    expect(undoCleanup(s.ctx, r.cleanupId!)).toEqual({ restored: 2, occupied: [] });
    expect(t!.db.select().from(hotCues).all()).toMatchObject([{ trackId: s.old1.id }]);
    expect(t!.db.select().from(playlistTracks).all()).toEqual([]);
  });

  it('can remove the playlist entries too, and still undo it', async () => {
    const s = await withMissing();
    const r = runCleanup(s.ctx, { olderThanDays: 1, keepPlaylistEntries: false, exportMetadata: false });
    expect(r).toMatchObject({ removed: 3, exportPath: null });
    expect(t!.db.select().from(playlistTracks).all()).toEqual([]);
    undoCleanup(s.ctx, r.cleanupId!);
    expect(t!.db.select().from(playlistTracks).all()).toMatchObject([{ trackId: s.old1.id, playlistId: 'p1' }]);
    expect(allTracks(s.ctx)).toHaveLength(s.count);
  });
});
