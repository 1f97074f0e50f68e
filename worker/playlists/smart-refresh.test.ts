import { afterEach, describe, expect, it } from 'vitest';
import { eq, sql } from 'drizzle-orm';
import { tracks } from '@/drizzle/schema';
import { writeTx } from '@/server/db/tx';
import { appendEvent } from '@/server/events/outbox';
import { createPlaylist } from '@/server/playlists/playlists';
import { refreshSmartPlaylist } from '@/server/playlists/smart';
import type { SmartDefinition } from '@/server/playlists/rules';
import { createTestContext, type TestContext } from '@/server/testing/create-test-context';
import { insertFolder, insertTrack } from '@/server/testing/seed-tracks';
import { Components } from '../components';
import { SmartRefresher } from './smart-refresh';

let t: TestContext;
afterEach(() => t.cleanup());

/** A smart playlist as the web makes it: created, and its tracks stored at once. */
function createSmart(name: string, smart: SmartDefinition) {
  const now = t.clock.now();
  return writeTx(t.db, (tx) => {
    const p = createPlaylist(tx, { name, type: 'smart', smart }, now);
    refreshSmartPlaylist(tx, p, now);
    return p;
  });
}

const titles = (playlistId: string) =>
  t.db
    .all<{ title: string }>(sql`SELECT t.title FROM playlist_tracks pt JOIN tracks t ON t.id = pt.track_id WHERE pt.playlist_id = ${playlistId} ORDER BY pt.position`)
    .map((r) => r.title);

function setup() {
  t = createTestContext();
  insertFolder(t.db);
  const house = [0, 1].map((i) => insertTrack(t.db, { title: `H${i}`, genre: 'House', bpm: 124 + i }));
  insertTrack(t.db, { title: 'T', genre: 'Techno', bpm: 130 });
  const p = createSmart('House', { rules: { field: 'genre', op: 'is', value: 'house' }, sort: [{ field: 'bpm', dir: 'asc' }], limit: null });
  const components = new Components();
  const refresher = new SmartRefresher(t.ctx, components, { debounceMs: 5_000, maxWaitMs: 30_000, everyMs: 3_600_000 });
  refresher.start();
  refresher.stop(); // the test drives tick() with the fake clock
  const entries = () => titles(p.id);
  const refreshed = () => t.events().filter((e) => e.type === 'playlist:smart:refreshed' && (e.payload as { playlistId: string }).playlistId === p.id);
  return { p, house, refresher, entries, refreshed, components };
}

describe('smart playlist refresh', () => {
  it('stores what the rules choose when created, then follows track changes five quiet seconds later', () => {
    const s = setup();
    expect(s.entries()).toEqual(['H0', 'H1']);
    expect(s.refreshed()).toHaveLength(1);

    const id = insertTrack(t.db, { title: 'H2', genre: 'House', bpm: 120 });
    appendEvent(t.db, 'track:added', { trackIds: [id] }, t.clock.now());
    s.refresher.tick();
    t.clock.advance(4_000);
    s.refresher.tick();
    expect(s.entries()).toEqual(['H0', 'H1']); // still within the quiet time
    t.clock.advance(1_000);
    s.refresher.tick();
    expect(s.entries()).toEqual(['H2', 'H0', 'H1']);
    expect(s.refreshed().at(-1)?.payload).toEqual({ playlistId: s.p.id, count: 3, added: 1, removed: 0 });

    // a genre edit takes a track out; an unrelated event changes nothing
    t.db.update(tracks).set({ genre: 'Techno' }).where(eq(tracks.id, s.house[0]!)).run();
    appendEvent(t.db, 'track:updated', { trackIds: [s.house[0]!], fields: ['genre'] }, t.clock.now());
    s.refresher.tick();
    t.clock.advance(5_000);
    s.refresher.tick();
    expect(s.entries()).toEqual(['H2', 'H1']);
    expect(s.refreshed().at(-1)?.payload).toMatchObject({ count: 2, added: 0, removed: 1 });
    const n = s.refreshed().length;
    appendEvent(t.db, 'job:queued', { jobId: 1, kind: 'events.prune' }, t.clock.now());
    t.clock.advance(10_000);
    s.refresher.tick();
    expect(s.refreshed()).toHaveLength(n);
    expect(s.components.snapshot().smartPlaylists).toMatchObject({ state: 'running', playlists: 1 });
  });

  it('refreshes within 30 s while changes keep coming (a long scan), and hourly for date rules', () => {
    const s = setup();
    for (let i = 0; i < 8; i++) {
      const id = insertTrack(t.db, { title: `N${i}`, genre: 'House', bpm: 100 + i });
      appendEvent(t.db, 'track:added', { trackIds: [id] }, t.clock.now());
      s.refresher.tick();
      t.clock.advance(4_000);
    }
    s.refresher.tick(); // 32 s after the first change, never 5 s quiet
    expect(s.entries().length).toBeGreaterThanOrEqual(9);

    const recent = createSmart('New this week', { rules: { field: 'dateAdded', op: 'inTheLast', value: 7 }, sort: [], limit: null });
    insertTrack(t.db, { title: 'Fresh', dateAdded: t.clock.now() });
    s.refresher.refreshAll();
    expect(titles(recent.id)).toContain('Fresh');
    t.clock.advance(8 * 86_400_000); // no event: the hourly pass notices the week went by
    s.refresher.tick();
    expect(titles(recent.id)).not.toContain('Fresh');
  });
});
