import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { tracks, type NewTrack } from '@/drizzle/schema';
import { createTestContext, type TestContext } from '../testing/create-test-context';
import { seedTracks } from '../testing/seed-tracks';
import { Vocabulary } from '../search/spelling';
import { parseKey } from '../music/keys';
import { listTracks } from './list';
import { facetsSql } from './queries';
import { SORT_FIELDS, type SortField, type TrackFilters } from './schemas';

let t: TestContext;
let rows: (NewTrack & { seq: number })[];
beforeAll(() => {
  t = createTestContext();
  seedTracks(t.db, 2000, { seed: 3 });
  rows = t.db.select().from(tracks).all();
});
afterAll(() => t.cleanup());

const all = (filters: TrackFilters, sort?: { field: SortField; dir: 'asc' | 'desc' }) => {
  const out: string[] = [];
  let cursor: string | null = null;
  let total: number | null = null;
  do {
    const page = listTracks(t.db, { filters, sort, limit: 137, cursor });
    total ??= page.total;
    out.push(...page.items.map((x) => x.id));
    cursor = page.nextCursor;
  } while (cursor);
  return { ids: out, total };
};
const keySort = (p: number | null | undefined, m: number | null | undefined) =>
  p === null || p === undefined || m === null || m === undefined ? null : ((m === 1 ? (7 * p + 7) % 12 : (7 * p + 4) % 12) + 1) * 2 + m;

describe('tracks.list filters', () => {
  const cases: [string, TrackFilters | (() => TrackFilters), (r: NewTrack) => boolean][] = [
    ['artist (any case)', () => ({ artist: rows[0]!.artist!.toUpperCase() }), (r) => r.artist?.toLowerCase() === rows[0]!.artist!.toLowerCase()],
    ['genres', { genres: ['house', 'Techno'] }, (r) => r.genre === 'House' || r.genre === 'Techno'],
    ['bpm range', { bpmMin: 122, bpmMax: 126 }, (r) => r.bpm != null && r.bpm >= 122 && r.bpm <= 126],
    [
      'bpm with half/double tempo',
      { bpmMin: 170, bpmMax: 174, bpmHalfDouble: true },
      (r) => r.bpm != null && ((r.bpm >= 170 && r.bpm <= 174) || (r.bpm >= 85 && r.bpm <= 87) || (r.bpm >= 340 && r.bpm <= 348)),
    ],
    ['keys in any notation', { keys: ['8A', 'C', '2m'] }, (r) => ['8A', 'C', '2m'].some((k) => parseKey(k)!.pitch === r.keyPitch && parseKey(k)!.mode === r.keyMode)],
    ['missing', { missing: true }, (r) => r.isMissing === true],
    ['broken', { broken: false }, (r) => r.isBroken !== true],
    ['lossless', { lossless: true }, (r) => r.isLossless === true],
    ['analysed', { analyzed: false }, (r) => r.isAnalyzed !== true],
    ['years', { yearMin: 2000, yearMax: 2009 }, (r) => r.year != null && r.year >= 2000 && r.year <= 2009],
    ['rating', { ratingMin: 4 }, (r) => (r.rating ?? 0) >= 4],
    ['energy', { energyMin: 6, energyMax: 8 }, (r) => r.energyLevel != null && r.energyLevel >= 6 && r.energyLevel <= 8],
    ['formats', { formats: ['FLAC', 'wav'] }, (r) => r.format === 'flac' || r.format === 'wav'],
    ['date added', { addedFrom: Date.UTC(2025, 5, 1), addedTo: Date.UTC(2025, 11, 31) }, (r) => r.dateAdded >= Date.UTC(2025, 5, 1) && r.dateAdded <= Date.UTC(2025, 11, 31)],
    [
      'combined',
      { genres: ['House'], bpmMin: 121, bpmMax: 127, ratingMin: 1, lossless: false },
      (r) => r.genre === 'House' && r.bpm != null && r.bpm >= 121 && r.bpm <= 127 && (r.rating ?? 0) >= 1 && r.isLossless === false,
    ],
  ];
  for (const [name, filters, keep] of cases) {
    it(`${name}: same tracks as a plain in-code filter`, () => {
      const expected = rows
        .filter(keep)
        .map((r) => r.id)
        .sort();
      const got = all(typeof filters === 'function' ? filters() : filters);
      expect(got.total).toBe(expected.length);
      expect([...got.ids].sort()).toEqual(expected);
      expect(expected.length).toBeGreaterThan(0);
    });
  }
});

describe('tracks.list sorting and paging', () => {
  const value = (r: NewTrack & { seq: number }, f: SortField): string | number | null => {
    const text = (v: string | null | undefined) => (v == null ? null : v.toLowerCase());
    switch (f) {
      case 'title':
        return text(r.title);
      case 'artist':
        return text(r.artist);
      case 'album':
        return text(r.album);
      case 'albumArtist':
        return text(r.albumArtist);
      case 'genre':
        return text(r.genre);
      case 'format':
        return text(r.format);
      case 'fileName':
        return text(r.fileName);
      case 'key':
        return keySort(r.keyPitch, r.keyMode);
      case 'energy':
        return r.energyLevel ?? null;
      case 'duration':
        return r.durationMs ?? null;
      case 'lastPlayed':
        return r.lastPlayedAt ?? null;
      case 'relevance':
        return null;
      case 'bitrate':
      case 'bpm':
      case 'playCount':
      case 'rating':
      case 'trackNumber':
      case 'year':
        return r[f] ?? null;
      case 'dateAdded':
        return r.dateAdded ?? null;
    }
  };
  for (const field of SORT_FIELDS.filter((f) => f !== 'relevance'))
    for (const dir of ['asc', 'desc'] as const) {
      it(`${field} ${dir}: every track once, missing values last, stable across pages`, () => {
        const expected = [...rows]
          .sort((a, b) => {
            const va = value(a, field);
            const vb = value(b, field);
            if (va === null || vb === null) return va === vb ? (dir === 'asc' ? a.seq - b.seq : b.seq - a.seq) : va === null ? 1 : -1;
            const c = va < vb ? -1 : va > vb ? 1 : 0;
            return c !== 0 ? (dir === 'asc' ? c : -c) : dir === 'asc' ? a.seq - b.seq : b.seq - a.seq;
          })
          .map((r) => r.id);
        const byCursor = all({}, { field, dir }).ids;
        expect(byCursor).toEqual(expected);
        const window = listTracks(t.db, { sort: { field, dir }, offset: 1500, limit: 50, withTotal: false }).items.map((x) => x.id);
        expect(window).toEqual(expected.slice(1500, 1550));
      });
    }
});

describe('search', () => {
  it('narrows as words are typed, ignores case and accents, needs every word', () => {
    const some = rows.find((r) => r.title!.includes('Lumière'))!;
    const word = some.title!.split(' ')[0]!;
    const n = (q: string) => listTracks(t.db, { filters: { q } }).total!;
    expect(n('lumiere')).toBe(rows.filter((r) => /lumière/i.test(`${r.title} ${r.album} ${r.label} ${r.comment} ${r.fileName}`)).length);
    expect(n('LUMI')).toBe(n('lumière'));
    expect(n(`${word} lumi`)).toBeLessThanOrEqual(n('lumi'));
    expect(n('lumi zzzzzz')).toBe(0);
  });

  it('ranks title and artist matches above matches in the comment', () => {
    t.db.update(tracks).set({ title: 'Quasar Dreams', comment: null }).where(eq(tracks.id, rows[10]!.id)).run();
    t.db.update(tracks).set({ comment: 'Quasar mentioned only here', title: 'Other' }).where(eq(tracks.id, rows[11]!.id)).run();
    const page = listTracks(t.db, { filters: { q: 'quasar' } });
    expect(page.items.map((x) => x.id)).toEqual([rows[10]!.id, rows[11]!.id]);
  });

  it('understands field syntax together with filters', () => {
    const r = rows.find((x) => x.genre === 'Techno' && x.bpm && x.keyPitch !== null)!;
    const key = `${['C', 'C#', 'D', 'Eb', 'E', 'F', 'F#', 'G', 'Ab', 'A', 'Bb', 'B'][r.keyPitch!]}${r.keyMode === 0 ? 'm' : ''}`;
    const q = `artist:"${r.artist}" genre:techno bpm:${Math.floor(r.bpm!)}-${Math.ceil(r.bpm!)} key:${key}`;
    const ids = listTracks(t.db, { filters: { q }, limit: 500 }).items.map((x) => x.id);
    expect(ids).toContain(r.id);
    const expected = rows.filter(
      (x) => x.artist === r.artist && x.genre === 'Techno' && x.bpm! >= Math.floor(r.bpm!) && x.bpm! <= Math.ceil(r.bpm!) && x.keyPitch === r.keyPitch && x.keyMode === r.keyMode,
    );
    expect(ids.sort()).toEqual(expected.map((x) => x.id).sort());
  });

  it('finds a misspelt artist and says what it searched for instead', () => {
    const artist = rows.find((r) => r.artist!.startsWith('Priya'))!.artist!;
    const misspelt = artist.replace('Priya', 'Pirya');
    const page = listTracks(t.db, { filters: { q: misspelt } }, new Vocabulary(t.db, 0));
    expect(page.corrected).toBe(true);
    expect(page.didYouMean?.toLowerCase()).toContain('priya');
    expect(page.items.length).toBeGreaterThan(0);
    expect(page.items.every((x) => x.artist?.includes('Priya') || x.title?.includes('Priya'))).toBe(true);
  });
});

describe('facets', () => {
  it('counts genres, keys, formats, years and BPM for the current filter, each without its own filter', () => {
    const f = facetsSql(t.db, { filters: { genres: ['House'], lossless: true } });
    const subset = rows.filter((r) => r.genre === 'House' && r.isLossless);
    expect(f.total).toBe(subset.length);
    // the genre facet ignores the genre filter: other genres are offered with their counts
    const techno = rows.filter((r) => r.genre === 'Techno' && r.isLossless).length;
    expect(f.genres.find((g) => g.value === 'Techno')?.count).toBe(techno);
    expect(f.formats.reduce((s, x) => s + x.count, 0)).toBe(subset.filter((r) => r.format).length);
    expect(f.bpmHistogram.reduce((s, x) => s + x.count, 0)).toBe(subset.filter((r) => r.bpm != null).length);
    expect(f.keys.reduce((s, x) => s + x.count, 0)).toBe(subset.filter((r) => r.keyPitch != null).length);
  });
});
