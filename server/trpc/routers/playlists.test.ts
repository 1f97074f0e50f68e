import { afterEach, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../../testing/create-test-context';
import { insertFolder, insertTrack } from '../../testing/seed-tracks';
import { testCaller } from '../test-caller';

let t: TestContext;
afterEach(() => t.cleanup());

function library() {
  t = createTestContext();
  insertFolder(t.db);
  const genres = ['House', 'Techno', 'Disco', 'House', 'Techno', 'Ambient'];
  return genres.map((genre, i) => insertTrack(t.db, { title: `T${i}`, genre, bpm: 120 + i * 2, dateAdded: i }));
}

describe('tRPC playlists', () => {
  it('previews a nested smart playlist live, saves it, lists what its rules choose and converts it to static', async () => {
    const ids = library();
    const { caller } = testCaller(t);
    const rules = {
      all: [
        {
          any: [
            { field: 'genre', op: 'is', value: 'house' },
            { field: 'genre', op: 'is', value: 'techno' },
          ],
        },
        { field: 'bpm', op: 'between', value: [122, 130] },
      ],
    } as const;
    const preview = await caller.playlists.smartPreview({ rules, sort: [{ field: 'bpm', dir: 'desc' }] });
    expect(preview).toMatchObject({ count: 3, selected: 3, explain: '(genre is “house” or genre is “techno”) and BPM is between 122 and 130' });
    expect(preview.tracks.map((x) => x.id)).toEqual([ids[4], ids[3], ids[1]]);
    const smart = await caller.playlists.create({ name: 'Peak', type: 'smart', smart: { rules, sort: [{ field: 'bpm', dir: 'desc' }], limit: { count: 2 } } });
    expect((await caller.playlists.entries({ id: smart.id })).map((e) => e.track?.id)).toEqual([ids[4], ids[3]]);
    expect((await caller.playlists.byId({ id: smart.id })).explain).toContain('BPM is between 122 and 130');
    await expect(caller.playlists.addTracks({ id: smart.id, trackIds: [ids[0]!] })).rejects.toThrow(/smart playlist/);
    const frozen = await caller.playlists.copyAsStatic({ id: smart.id, name: 'Peak (fixed)' });
    expect((await caller.playlists.entries({ id: frozen.id })).map((e) => e.track?.id)).toEqual([ids[4], ids[3]]);
    expect((await caller.playlists.list({ q: 'peak' })).map((p) => p.name).sort()).toEqual(['Peak', 'Peak (fixed)']);
  });

  it('collects candidates in the thinking playlist and promotes them; logs plays into a session', async () => {
    const ids = library();
    const { caller } = testCaller(t);
    await caller.playlists.think({ trackIds: [ids[0]!, ids[2]!], add: true });
    await caller.playlists.think({ trackIds: [ids[0]!], add: false });
    const thinking = await caller.playlists.thinking();
    expect((await caller.playlists.entries({ id: thinking.id })).map((e) => e.track?.id)).toEqual([ids[2]]);
    const real = await caller.playlists.promoteThinking({ name: 'Ideas' });
    expect((await caller.playlists.entries({ id: real.id })).map((e) => e.track?.id)).toEqual([ids[2]]);
    const play = await caller.playlists.logPlay({ trackId: ids[1]!, durationMs: 300_000 });
    expect(play.started).toBe(true);
    const [session] = await caller.playlists.sessions();
    expect((await caller.playlists.entries({ id: session!.id }))[0]).toMatchObject({ playDurationMs: 300_000, track: { id: ids[1] } });
    expect(await caller.playlists.finalizeSession({ id: session!.id })).toEqual({ finalized: true });
  });

  it('renames a session, gives it a venue, splits it in two and converts a part to a static playlist', async () => {
    const ids = library();
    const { caller } = testCaller(t);
    for (const id of ids.slice(0, 4)) {
      await caller.playlists.logPlay({ trackId: id });
      t.clock.advance(6 * 60_000);
    }
    const [session] = await caller.playlists.sessions();
    await caller.playlists.update({ id: session!.id, name: 'Warehouse', sessionVenue: 'Tresor' });
    const entries = await caller.playlists.entries({ id: session!.id });
    await expect(caller.playlists.splitSession({ id: session!.id, entryId: entries[0]!.entryId })).rejects.toThrow(/first one/);
    const second = await caller.playlists.splitSession({ id: session!.id, entryId: entries[2]!.entryId });
    expect(second).toMatchObject({ name: 'Warehouse (2)', type: 'session', sessionVenue: 'Tresor', sessionStartedAt: entries[2]!.playedAt, sessionEndedAt: null });
    const first = await caller.playlists.byId({ id: session!.id });
    expect(first).toMatchObject({ isReadonly: true, sessionEndedAt: entries[1]!.playedAt, stats: { count: 2 } });
    expect((await caller.playlists.entries({ id: second.id })).map((e) => [e.position, e.track?.id])).toEqual([
      [0, ids[2]],
      [1, ids[3]],
    ]);
    // the next play carries on in the second part, which was the one still logging
    expect((await caller.playlists.logPlay({ trackId: ids[4]! })).sessionId).toBe(second.id);
    await expect(caller.playlists.addTracks({ id: first.id, trackIds: [ids[5]!] })).rejects.toThrow(/read-only/);
    const converted = await caller.playlists.convertToStatic({ id: first.id });
    expect(converted).toMatchObject({ id: first.id, type: 'static', isReadonly: false });
    await caller.playlists.addTracks({ id: first.id, trackIds: [ids[5]!] });
    expect((await caller.playlists.byId({ id: first.id })).stats.count).toBe(3);
    expect(
      t
        .events()
        .filter((e) => e.type === 'session:finalized')
        .map((e) => (e.payload as { playlistId: string }).playlistId),
    ).toEqual([session!.id]);
  });

  it('converts a smart playlist in place: the tracks its rules chose stay, and become editable', async () => {
    const ids = library();
    const { caller } = testCaller(t);
    const smart = await caller.playlists.create({ name: 'Techno', type: 'smart', smart: { rules: { field: 'genre', op: 'is', value: 'techno' }, sort: [], limit: null } });
    const p = await caller.playlists.convertToStatic({ id: smart.id });
    expect(p).toMatchObject({ type: 'static', smartRules: null });
    expect((await caller.playlists.entries({ id: p.id })).map((e) => e.track?.id)).toEqual([ids[1], ids[4]]);
    await caller.playlists.addTracks({ id: p.id, trackIds: [ids[0]!], position: 0 });
    expect((await caller.playlists.entries({ id: p.id })).map((e) => e.track?.id)).toEqual([ids[0], ids[1], ids[4]]);
    await expect(caller.playlists.convertToStatic({ id: p.id })).rejects.toThrow(/already/);
  });
});
