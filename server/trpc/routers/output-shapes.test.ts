import { afterEach, describe, expect, it } from 'vitest';
import { type z } from 'zod';
import { hotCues } from '@/drizzle/schema';
import { PlaylistEntrySchema, PlaylistListItemSchema, PlaylistRowSchema } from '../../playlists/output';
import { playlistEntries, listPlaylists } from '../../playlists/queries';
import { createTestContext, type TestContext } from '../../testing/create-test-context';
import { insertFolder, insertTrack } from '../../testing/seed-tracks';
import { listTracks } from '../../tracks/list';
import { TrackDetailSchema, TrackPageSchema, TrackRowSchema } from '../../tracks/output';
import { trackById } from '../../tracks/queries';
import { ROW_FIELDS } from '../../tracks/track-rows';
import { testCaller } from '../test-caller';

let t: TestContext;
afterEach(() => t?.cleanup());

/** Parsing strips what a schema does not declare: equal after parsing means the schema is exactly the real shape. */
const strictly = (schema: z.ZodType, value: unknown) => expect(schema.parse(value)).toEqual(value);

describe('the API shapes other tools depend on are pinned', () => {
  it('a library row declares exactly the table-row fields', () => {
    expect(Object.keys(TrackRowSchema.shape).sort()).toEqual([...ROW_FIELDS].sort());
  });

  it('tracks, the track page, playlists and entries answer exactly their declared shapes (nothing stripped, nothing extra)', async () => {
    t = createTestContext();
    insertFolder(t.db);
    const a = insertTrack(t.db, { title: 'A', artist: 'X', bpm: 124, duplicateGroupId: null });
    const b = insertTrack(t.db, { title: 'B', artist: 'Y' });
    t.db.insert(hotCues).values({ id: 'cue-1', trackId: a, cueIndex: 0, positionSec: 1.5, createdAt: 1, updatedAt: 1 }).run();
    const { caller } = testCaller(t);
    const p = await caller.playlists.create({ name: 'Set', type: 'static' });
    await caller.playlists.addTracks({ id: p.id, trackIds: [a, b] });
    await caller.tracks.remove({ ids: [b] });

    strictly(TrackPageSchema, listTracks(t.db, { limit: 10 }));
    strictly(TrackDetailSchema, trackById(t.db, a));
    strictly(PlaylistListItemSchema.array(), listPlaylists(t.db));
    const entries = playlistEntries(t.db, p.id);
    expect(entries.map((e) => e.track?.id ?? null)).toEqual([a, null]);
    strictly(PlaylistEntrySchema.array(), entries);
    // and through the API, where the schemas are the procedures' outputs
    expect((await caller.tracks.byId({ id: a })).hotCues).toHaveLength(1);
    expect((await caller.playlists.entries({ id: p.id }))[1]!.placeholder?.title).toBe('B');
    strictly(PlaylistRowSchema.array(), await caller.playlists.sessions());
  });

  it('a shape that drifts is refused by the procedure, not passed on', () => {
    expect(() => TrackRowSchema.parse({ id: 't', title: 'A' })).toThrow();
    expect(() => PlaylistEntrySchema.parse({ entryId: '1', position: 0 })).toThrow();
  });
});
