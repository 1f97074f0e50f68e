import { eq } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { tracks, type Track } from '@/drizzle/schema';
import { readEventsAfter, latestEventId } from '../events/outbox';
import { removeDirectory } from '../library/remove-directory';
import { createTestContext, type TestContext } from '../testing/create-test-context';
import { insertFolder, insertTrack } from '../testing/seed-tracks';
import { markMissingTx, type MissingReason } from './mark-missing';

let t: TestContext;
afterEach(() => t.cleanup());

const DAY = 86_400_000;
const D1 = '6f1c0c52-3a1e-4c6b-9a61-1d2f3e4a5b6c';
const row = (id: string) => t.db.select().from(tracks).where(eq(tracks.id, id)).get()!;
const state = (id: string) => {
  const r: Track = row(id);
  return { isMissing: r.isMissing, missingReason: r.missingReason, missingSince: r.missingSince, formerPath: r.formerPath };
};

/** A folder with a present track, one deleted ten days ago and one offline since yesterday. */
function library() {
  t = createTestContext();
  const now = t.clock.now();
  insertFolder(t.db, D1, '/music/stick');
  insertTrack(t.db, { directoryId: D1, id: 'present', relPath: 'a/present.mp3' });
  insertTrack(t.db, { directoryId: D1, id: 'deleted', relPath: 'a/deleted.mp3', isMissing: true, missingReason: 'deleted', missingSince: now - 10 * DAY });
  insertTrack(t.db, { directoryId: D1, id: 'offline', relPath: 'b/offline.mp3', isMissing: true, missingReason: 'offline', missingSince: now - DAY });
  return now;
}

const missingEvents = (after: number) =>
  readEventsAfter(t.db, after)
    .filter((e) => e.type === 'track:missing')
    .map((e) => e.payload);

describe('marking tracks missing: one function, the same rules for every reason', () => {
  it.each<MissingReason>(['deleted', 'unreadable'])('%s (by id): a present track gets the reason and today; a missing one keeps its date, takes the new reason', (reason) => {
    const now = library();
    const before = latestEventId(t.db);
    const n = t.db.transaction((tx) => markMissingTx(tx, { trackIds: ['present', 'offline'] }, reason, now, { directoryId: D1 }));
    expect(n).toBe(2);
    expect(state('present')).toEqual({ isMissing: true, missingReason: reason, missingSince: now, formerPath: null });
    expect(state('offline')).toEqual({ isMissing: true, missingReason: reason, missingSince: now - DAY, formerPath: null });
    expect(state('deleted').missingSince).toBe(now - 10 * DAY); // not named: untouched
    expect(missingEvents(before)).toEqual([{ trackIds: ['present', 'offline'], count: 2, reason, directoryId: D1 }]);
    // nothing named: nothing changes, no event
    expect(t.db.transaction((tx) => markMissingTx(tx, { trackIds: [] }, reason, now))).toBe(0);
    expect(missingEvents(before)).toHaveLength(1);
  });

  it('offline (a folder, present tracks only): what was deleted before stays deleted, with its date', () => {
    const now = library();
    const before = latestEventId(t.db);
    t.clock.advance(1000);
    const n = t.db.transaction((tx) => markMissingTx(tx, { directoryId: D1, presentOnly: true }, 'offline', t.clock.now()));
    expect(n).toBe(1);
    expect(state('present')).toEqual({ isMissing: true, missingReason: 'offline', missingSince: now + 1000, formerPath: null });
    expect(state('deleted')).toMatchObject({ missingReason: 'deleted', missingSince: now - 10 * DAY });
    expect(state('offline')).toMatchObject({ missingReason: 'offline', missingSince: now - DAY });
    expect(missingEvents(before)).toEqual([{ trackIds: ['present'], count: 1, reason: 'offline', directoryId: D1 }]);
  });

  it('directory_removed (a folder, every track): the reason for all, the first date kept, the full old path remembered', () => {
    const now = library();
    const before = latestEventId(t.db);
    t.clock.advance(1000);
    // through the real verb: the folder goes, its tracks stay as missing
    const r = removeDirectory(t.ctx, { id: D1, tracks: 'keep' });
    expect(r).toMatchObject({ keptTracks: 3, removedTracks: 0 });
    expect(state('present')).toEqual({ isMissing: true, missingReason: 'directory_removed', missingSince: now + 1000, formerPath: '/music/stick/a/present.mp3' });
    expect(state('deleted')).toEqual({ isMissing: true, missingReason: 'directory_removed', missingSince: now - 10 * DAY, formerPath: '/music/stick/a/deleted.mp3' });
    expect(state('offline')).toEqual({ isMissing: true, missingReason: 'directory_removed', missingSince: now - DAY, formerPath: '/music/stick/b/offline.mp3' });
    expect(missingEvents(before)).toEqual([
      { trackIds: expect.arrayContaining(['present', 'deleted', 'offline']) as string[], count: 3, reason: 'directory_removed', directoryId: D1 },
    ]);
  });
});
