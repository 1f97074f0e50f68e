import crypto from 'node:crypto';
import { asc, eq } from 'drizzle-orm';
import { keySortOf } from '../tracks/filters';
import { afterEach, describe, expect, it } from 'vitest';
import { playlistTracks, playlists, tracks } from '@/drizzle/schema';
import { closeDatabase, openDatabase, type Db } from '../db/client';
import { writeTx } from '../db/tx';
import { finalizeIdleSessions, recordPlay } from '../sessions/plays';
import { createTestContext, type TestContext } from '../testing/create-test-context';
import { insertFolder, insertTrack } from '../testing/seed-tracks';
import { removeTracksTx } from '../tracks/remove-tracks-tx';
import {
  addTracks,
  copyAsStatic,
  createPlaylist,
  deletePlaylist,
  mergePlaylists,
  moveEntries,
  playlistStats,
  promoteThinking,
  relinkEntry,
  removeEntries,
  thinkingPlaylist,
  updateEntry,
  updatePlaylist,
} from './playlists';

let t: TestContext;
afterEach(() => t.cleanup());

function library(n: number, opts: { file?: boolean } = {}) {
  t = createTestContext({ file: opts.file });
  insertFolder(t.db);
  return Array.from({ length: n }, (_, i) =>
    insertTrack(t.db, {
      relPath: `${i}.mp3`,
      title: `Track ${i}`,
      artist: `Artist ${i % 3}`,
      durationMs: 200_000 + i * 1000,
      bpm: 120 + i,
      keyPitch: i % 12,
      keyMode: i % 2,
    }),
  );
}

const entries = (db: Db, playlistId: string) => db.select().from(playlistTracks).where(eq(playlistTracks.playlistId, playlistId)).orderBy(asc(playlistTracks.position)).all();
const dense = (db: Db, playlistId: string) => entries(db, playlistId).every((e, i) => e.position === i);

describe('static playlists', () => {
  it('adds at a position, skips tracks already there unless asked, removes and moves keeping positions dense', () => {
    const ids = library(8);
    const p = createPlaylist(t.db, { name: 'Warm up', type: 'static' }, 1);
    expect(addTracks(t.db, p.id, ids.slice(0, 4), 2)).toEqual({ added: 4, skipped: 0 });
    expect(addTracks(t.db, p.id, [ids[4]!, ids[0]!, ids[5]!], 3, { position: 1 })).toEqual({ added: 2, skipped: 1 });
    expect(entries(t.db, p.id).map((e) => ids.indexOf(e.trackId!))).toEqual([0, 4, 5, 1, 2, 3]);
    expect(addTracks(t.db, p.id, [ids[0]!], 4, { allowDuplicates: true })).toEqual({ added: 1, skipped: 0 });
    const list = entries(t.db, p.id);
    removeEntries(t.db, p.id, [list[1]!.id, list[3]!.id], 5);
    expect(dense(t.db, p.id)).toBe(true);
    expect(entries(t.db, p.id).map((e) => ids.indexOf(e.trackId!))).toEqual([0, 5, 2, 3, 0]);
    const [a, , c] = entries(t.db, p.id);
    moveEntries(t.db, p.id, [a!.id, c!.id], 2, 6); // both after the next two of the rest
    expect(entries(t.db, p.id).map((e) => ids.indexOf(e.trackId!))).toEqual([5, 3, 0, 2, 0]);
    expect(dense(t.db, p.id)).toBe(true);
    expect(() => addTracks(t.db, p.id, [crypto.randomUUID()], 7)).toThrow(/not found/);
    expect(t.events().map((e) => e.type)).toEqual(expect.arrayContaining(['playlist:created', 'playlist:track:added', 'playlist:track:removed', 'playlist:track:reordered']));
  });

  it('keeps positions dense and nothing lost while two connections edit the same playlist', () => {
    const ids = library(40, { file: true });
    const p = createPlaylist(t.db, { name: 'Shared', type: 'static' }, 1);
    const other = openDatabase(t.ctx.env.db.path);
    try {
      let seed = 3;
      const rnd = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
      let expected = 0;
      for (let i = 0; i < 400; i++) {
        const db = i % 2 ? other : t.db;
        const now = 10 + i;
        const current = entries(db, p.id);
        const r = rnd();
        writeTx(db, (tx) => {
          if (r < 0.4 || current.length < 3) {
            const pick = ids[Math.floor(rnd() * ids.length)]!;
            expected += addTracks(tx, p.id, [pick], now, { position: Math.floor(rnd() * (current.length + 1)), allowDuplicates: rnd() < 0.3 }).added;
          } else if (r < 0.6) {
            expected -= removeEntries(tx, p.id, [current[Math.floor(rnd() * current.length)]!.id], now).removed;
          } else {
            const picks = current.filter(() => rnd() < 0.2).map((e) => e.id);
            moveEntries(tx, p.id, picks, Math.floor(rnd() * current.length), now);
          }
        });
        expect(dense(db === t.db ? other : t.db, p.id), `after step ${i}`).toBe(true);
        expect(entries(t.db, p.id)).toHaveLength(expected);
      }
      expect(expected).toBeGreaterThan(5);
    } finally {
      closeDatabase(other);
    }
  });

  it('annotates entries, keeps a placeholder for a deleted track and relinks it', () => {
    const ids = library(3);
    const p = createPlaylist(t.db, { name: 'Gig', type: 'static' }, 1);
    addTracks(t.db, p.id, ids, 2);
    const [first, second] = entries(t.db, p.id);
    updateEntry(t.db, first!.id, { notes: 'open with this', cueInSec: 12, cueOutSec: 190, ratingInContext: 5 }, 3);
    expect(() => updateEntry(t.db, first!.id, { cueOutSec: 5 }, 4)).toThrow(/Cue out must come after cue in/);
    expect(entries(t.db, p.id)[0]).toMatchObject({ notes: 'open with this', cueInSec: 12, cueOutSec: 190, ratingInContext: 5 });

    writeTx(t.db, (tx) => removeTracksTx(tx, [ids[1]!], 5));
    const placeholder = entries(t.db, p.id)[1]!;
    expect(placeholder).toMatchObject({ id: second!.id, trackId: null, placeholder: { title: 'Track 1', artist: 'Artist 1', durationMs: 201_000, path: '/music/1.mp3' } });
    expect(playlistStats(t.db, p.id)).toMatchObject({ count: 3, placeholders: 1 });
    relinkEntry(t.db, placeholder.id, ids[2]!, 6);
    expect(entries(t.db, p.id)[1]).toMatchObject({ trackId: ids[2], placeholder: null });
  });

  it('copies, merges, shows statistics; folders nest without cycles', () => {
    const ids = library(6);
    const folder = createPlaylist(t.db, { name: 'Clubs', type: 'folder' }, 1);
    const inner = createPlaylist(t.db, { name: 'Berlin', type: 'folder', parentId: folder.id }, 1);
    expect(() => updatePlaylist(t.db, folder.id, { parentId: inner.id }, 2)).toThrow(/cannot go inside itself/);
    const a = createPlaylist(t.db, { name: 'A', type: 'static', parentId: inner.id }, 1);
    const b = createPlaylist(t.db, { name: 'B', type: 'static' }, 1);
    expect(() => createPlaylist(t.db, { name: 'C', type: 'static', parentId: a.id }, 1)).toThrow(/not a folder/);
    addTracks(t.db, a.id, ids.slice(0, 4), 2);
    addTracks(t.db, b.id, ids.slice(2, 6), 2);
    expect(mergePlaylists(t.db, a.id, b.id, 3, { deleteSource: true })).toEqual({ added: 2, skipped: 2 });
    expect(t.db.select().from(playlists).where(eq(playlists.id, b.id)).get()).toBeUndefined();
    const stats = playlistStats(t.db, a.id);
    expect(stats).toMatchObject({ count: 6, totalDurationMs: 6 * 200_000 + 15_000, bpmMin: 120, bpmMax: 125 });
    expect(stats.keys.reduce((s, k) => s + k.n, 0)).toBe(6);
    for (const k of stats.keys) expect(keySortOf(k)).toBe(k.keySort);
    const copy = copyAsStatic(t.db, a.id, 'A (copy)', 4);
    expect(entries(t.db, copy.id).map((e) => e.trackId)).toEqual(entries(t.db, a.id).map((e) => e.trackId));
    expect(copy.parentId).toBe(inner.id);
  });
});

describe('the thinking playlist', () => {
  it('is always there, collects candidates, and becomes a real playlist with one call', () => {
    const ids = library(3);
    const thinking = thinkingPlaylist(t.db, 1);
    expect(thinkingPlaylist(t.db, 2).id).toBe(thinking.id);
    expect(() => deletePlaylist(t.db, thinking.id, 3)).toThrow(/always there/);
    expect(() => promoteThinking(t.db, 'Empty', 3)).toThrow(/empty/);
    addTracks(t.db, thinking.id, [ids[2]!, ids[0]!], 4);
    const real = promoteThinking(t.db, 'Sunday ideas', 5);
    expect(real).toMatchObject({ type: 'static', name: 'Sunday ideas' });
    expect(entries(t.db, real.id).map((e) => e.trackId)).toEqual([ids[2], ids[0]]);
    expect(entries(t.db, thinking.id)).toHaveLength(0);
  });
});

describe('DJ sessions', () => {
  it('start with a play, log plays in order, finalise after the inactivity limit (fake clock) and become read-only', () => {
    const ids = library(3);
    const h = 3_600_000;
    const first = recordPlay(t.db, ids[0]!, 10 * h, { inactivityHours: 4 })!;
    expect(first.started).toBe(true);
    recordPlay(t.db, ids[1]!, 11 * h, { inactivityHours: 4 });
    expect(finalizeIdleSessions(t.db, 14 * h, 4)).toEqual([]); // 3 h idle
    expect(finalizeIdleSessions(t.db, 15 * h + 1, 4)).toEqual([first.sessionId]);
    const s = t.db.select().from(playlists).where(eq(playlists.id, first.sessionId)).get()!;
    expect(s).toMatchObject({ sessionStartedAt: 10 * h, sessionEndedAt: 11 * h, isReadonly: true });
    expect(() => addTracks(t.db, s.id, [ids[2]!], 16 * h)).toThrow(/read-only/);
    expect(entries(t.db, s.id).map((e) => [e.trackId, e.playedAt])).toEqual([
      [ids[0], 10 * h],
      [ids[1], 11 * h],
    ]);
    // the next play starts a new session
    const next = recordPlay(t.db, ids[2]!, 20 * h, { inactivityHours: 4 })!;
    expect(next.started).toBe(true);
    expect(next.sessionId).not.toBe(first.sessionId);
    expect(t.db.select().from(tracks).where(eq(tracks.id, ids[0]!)).get()).toMatchObject({ playCount: 1, lastPlayedAt: 10 * h });
    expect(
      t
        .events()
        .filter((e) => e.type.startsWith('session:'))
        .map((e) => e.type),
    ).toEqual(['session:started', 'session:track:played', 'session:track:played', 'session:finalized', 'session:started', 'session:track:played']);
  });
});
