import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { libraryDirectories, tracks } from '@/drizzle/schema';
import { createTestContext, type TestContext } from '../testing/create-test-context';
import { seedTracks } from '../testing/seed-tracks';
import { FacetIndex } from './facet-index';
import { facetsSql, type TrackFacets } from './queries';
import type { TrackFilters } from './schemas';

let t: TestContext;
const dirId = crypto.randomUUID();
beforeAll(() => {
  t = createTestContext();
  seedTracks(t.db, 1500, { seed: 5 });
  t.db.insert(libraryDirectories).values({ id: dirId, path: '/music/crate', name: 'Crate', createdAt: 0, updatedAt: 0 }).run();
  seedTracks(t.db, 500, { seed: 6, directoryId: dirId });
});
afterAll(() => t.cleanup());

/** Facets with names folded (SQL may pick any casing of a NOCASE group). */
const norm = (f: TrackFacets) => ({
  ...f,
  genres: f.genres.map((g) => ({ ...g, value: g.value.toLowerCase() })),
  artists: f.artists.map((g) => ({ ...g, value: g.value.toLowerCase() })),
});

describe('the facet index', () => {
  const some = (dir: string | null) =>
    t.db
      .select()
      .from(tracks)
      .where(dir ? eq(tracks.directoryId, dir) : undefined)
      .limit(1)
      .get()!;
  const cases: [string, TrackFilters | (() => TrackFilters)][] = [
    ['no filter', {}],
    ['genres', { genres: ['house', 'TECHNO'] }],
    ['artist (any case)', () => ({ artist: some(null).artist!.replace(/[a-z]/g, (ch) => ch.toUpperCase()) })],
    ['BPM range', { bpmMin: 120, bpmMax: 128 }],
    ['BPM with half/double', { bpmMin: 170, bpmMax: 176, bpmHalfDouble: true }],
    ['keys', { keys: ['8A', 'C', '2m'] }],
    ['years', { yearMin: 2000, yearMax: 2010 }],
    ['rating', { ratingMin: 3 }],
    ['energy', { energyMin: 4, energyMax: 7 }],
    ['formats', { formats: ['FLAC', 'mp3'] }],
    ['flags', { lossless: false, missing: false, broken: false, analyzed: true }],
    ['needs a look', { needsLook: true }],
    ['looked at, by query', { q: '-is:unsure bpm:120-130' }],
    ['duplicate', { duplicate: false }],
    ['date added', { addedFrom: Date.UTC(2025, 0, 1), addedTo: Date.UTC(2025, 11, 31) }],
    ['text', { q: 'midnight' }],
    ['text with field syntax', { q: 'groove bpm:118-130 key:8A year:1995-2020' }],
    ['folder', () => ({ directoryId: dirId, folder: some(dirId).relPath.split('/')[0]! })],
    ['directory', { directoryId: dirId }],
    [
      'everything at once',
      {
        q: 'echo',
        genres: ['House', 'Deep House', 'Tech House'],
        bpmMin: 118,
        bpmMax: 130,
        keys: ['8A', '9A', '8B'],
        yearMin: 1995,
        ratingMin: 0,
        formats: ['mp3', 'flac', 'wav'],
        lossless: false,
      },
    ],
  ];
  for (const [name, given] of cases) {
    it(`counts exactly what SQL counts: ${name}`, async () => {
      const filters = typeof given === 'function' ? given() : given;
      const index = new FacetIndex(t.db, { minReloadMs: 0 });
      const sqlFacets = norm(facetsSql(t.db, { filters }));
      expect(norm(await index.facets({ filters }))).toEqual(sqlFacets);
      if (name !== 'everything at once') expect(sqlFacets.total).toBeGreaterThan(0);
    });
  }

  it('follows changes to the tracks: reads them again in the background and answers from the old counts meanwhile', async () => {
    let now = 0;
    const index = new FacetIndex(t.db, { minReloadMs: 1000, now: () => now, waitBelow: 0 });
    const before = (await index.facets({})).total;
    const drop = async () => {
      const one = t.db.select({ id: tracks.id }).from(tracks).limit(1).get()!;
      t.db.delete(tracks).where(eq(tracks.id, one.id)).run();
    };
    await drop();
    expect((await index.facets({})).total).toBe(before); // not checked again yet
    now = 1500;
    const meanwhile = await index.facets({}); // a reload starts; the old counts answer, marked stale
    expect(meanwhile).toMatchObject({ total: before, stale: true });
    await new Promise((r) => setTimeout(r, 50));
    expect(await index.facets({})).toMatchObject({ total: before - 1, stale: false });
    expect(await index.facets({})).toEqual(facetsSql(t.db, {}));

    // a small library waits for the reload instead
    const small = new FacetIndex(t.db, { minReloadMs: 0 });
    await small.facets({});
    await drop();
    expect(await small.facets({})).toMatchObject({ total: before - 2, stale: false });
    await drop();

    const strict = new FacetIndex(t.db, { minReloadMs: 0, staleWhileReloading: false, waitBelow: 0 });
    await strict.facets({});
    await drop();
    expect((await strict.facets({})).total).toBe(before - 4);
  });

  it('reads a library bigger than one chunk', async () => {
    const big = createTestContext();
    try {
      seedTracks(big.db, 12_345, { seed: 9 });
      const index = new FacetIndex(big.db);
      expect(await index.facets({ filters: { genres: ['House'] } })).toEqual(facetsSql(big.db, { filters: { genres: ['House'] } }));
      expect((await index.facets({})).total).toBe(12_345);
    } finally {
      big.cleanup();
    }
  });
});
