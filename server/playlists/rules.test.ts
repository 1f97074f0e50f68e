import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { libraryDirectories, playlistTracks, playlists, tracks, type Track } from '@/drizzle/schema';
import { parseKey } from '../music/keys';
import { keySortOf } from '../tracks/filters';
import { createTestContext, type TestContext } from '../testing/create-test-context';
import { dbFingerprint } from '../testing/db-fingerprint';
import { compatibleKeys, explainRule, RULE_FIELDS, SmartDefinition, type Condition, type Rule } from './rules';
import { smartCount, smartTrackIds } from './smart';

const NOW = Date.UTC(2026, 10, 21, 20, 0);
const DAY = 86_400_000;
let t: TestContext;
let all: Track[];
const sessionIds: string[] = [];

/** A deterministic library of 400 tracks with every field varied, some empty, plus playlists and sessions. */
beforeAll(() => {
  t = createTestContext();
  let seed = 7;
  const rnd = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
  const pick = <T>(xs: T[]) => xs[Math.floor(rnd() * xs.length)]!;
  const maybe = <T>(v: T) => (rnd() < 0.15 ? null : v);
  for (const id of ['dA', 'dB'])
    t.db
      .insert(libraryDirectories)
      .values({ id, path: `/music/${id}`, name: id, createdAt: 1, updatedAt: 1 })
      .run();
  const genres = ['House', 'Deep House', 'Techno', 'techno', 'Drum & Bass', 'Disco', '', 'Tech House'];
  const artists = ['Âme', 'Röyksopp', 'Bicep', 'Floating Points', "O'Neil", 'DJ %_Wild', 'Moodymann', ''];
  for (let i = 0; i < 400; i++) {
    const key = maybe({ pitch: Math.floor(rnd() * 12), mode: rnd() < 0.5 ? 0 : 1 });
    t.db
      .insert(tracks)
      .values({
        id: crypto.randomUUID(),
        directoryId: pick(['dA', 'dB', null]),
        relPath: `${pick(['Sets', 'Digging', 'Old'])}/${i}.${pick(['mp3', 'flac', 'wav'])}`,
        fileName: `${i}.mp3`,
        fileExt: pick(['mp3', 'flac', 'wav']),
        format: maybe(pick(['mp3', 'flac', 'wav', 'm4a'])),
        sizeBytes: Math.floor(rnd() * 2e7),
        mtimeMs: NOW - Math.floor(rnd() * 400) * DAY,
        title: maybe(`${pick(['Deep', 'Night', 'Sun', 'Acid'])} ${pick(['Drive', 'Rain', 'Dub'])} ${i}`),
        artist: maybe(pick(artists)),
        album: maybe(pick(['Singles', 'LP', 'EP 2'])),
        genre: maybe(pick(genres)),
        label: maybe(pick(['Warp', 'Ninja Tune', 'KMS'])),
        comment: maybe(pick(['peak time', 'warm up', 'closing'])),
        year: maybe(1990 + Math.floor(rnd() * 36)),
        bpm: maybe(Math.round((80 + rnd() * 100) * 10) / 10),
        keyPitch: key?.pitch ?? null,
        keyMode: (key?.mode ?? null) as 0 | 1 | null,
        energy: maybe(Math.round(rnd() * 10 * 10) / 10),
        rating: Math.floor(rnd() * 6),
        playCount: Math.floor(rnd() * 20),
        durationMs: maybe(60_000 + Math.floor(rnd() * 540_000)),
        bitrate: maybe(pick([128_000, 320_000, 1_411_000])),
        isLossless: maybe(rnd() < 0.4),
        isAnalyzed: rnd() < 0.7,
        isMissing: rnd() < 0.1,
        duplicateGroupId: rnd() < 0.1 ? 1 : null,
        lastPlayedAt: maybe(NOW - Math.floor(rnd() * 90) * DAY),
        dateAdded: NOW - Math.floor(rnd() * 365) * DAY,
        createdAt: 1,
        updatedAt: 1,
      })
      .run();
  }
  all = t.db.select().from(tracks).all();
  const playlist = (id: string, type: 'static' | 'session', startedAt: number | null, members: Track[]) => {
    t.db.insert(playlists).values({ id, name: id, type, sessionStartedAt: startedAt, createdAt: 1, updatedAt: 1 }).run();
    members.forEach((m, position) => t.db.insert(playlistTracks).values({ playlistId: id, trackId: m.id, position, addedAt: 1 }).run());
  };
  playlist(
    'crate',
    'static',
    null,
    all.filter((_, i) => i % 7 === 0),
  );
  for (let s = 0; s < 5; s++) {
    sessionIds.push(`s${s}`);
    playlist(
      `s${s}`,
      'session',
      NOW - (5 - s) * DAY,
      all.filter((_, i) => i % 11 === s),
    );
  }
});
afterAll(() => t.cleanup());

// ---- the plain in-code reading of the same rules ----
const lc = (s: string | null | undefined) => (s ?? '').replace(/[A-Z]/g, (ch) => ch.toLowerCase()); // SQLite's lower(): ASCII only
const value = (tr: Track, field: Condition['field']): unknown => {
  const m: Record<string, unknown> = {
    title: tr.title,
    artist: tr.artist,
    album: tr.album,
    albumArtist: tr.albumArtist,
    genre: tr.genre,
    label: tr.label,
    comment: tr.comment,
    composer: tr.composer,
    remixer: tr.remixer,
    grouping: tr.grouping,
    fileName: tr.fileName,
    path: tr.relPath,
    format: tr.format ?? tr.fileExt,
    codec: tr.codec,
    color: tr.color,
    bpm: tr.bpm,
    year: tr.year,
    rating: tr.rating,
    energy: tr.energyLevel ?? tr.energy,
    playCount: tr.playCount,
    duration: tr.durationMs,
    bitrate: tr.bitrate,
    sampleRate: tr.sampleRate,
    trackNumber: tr.trackNumber,
    size: tr.sizeBytes,
    dateAdded: tr.dateAdded,
    lastPlayed: tr.lastPlayedAt,
    modified: tr.mtimeMs,
    lossless: tr.isLossless ?? false,
    analysed: tr.isAnalyzed,
    missing: tr.isMissing,
    broken: tr.isBroken,
    duplicate: tr.duplicateGroupId !== null,
    compilation: tr.isCompilation,
    key: tr.keyPitch === null || tr.keyMode === null ? null : keySortOf({ pitch: tr.keyPitch, mode: tr.keyMode as 0 | 1 }),
    directory: tr.directoryId,
  };
  return m[field];
};
/** Playlist members, read once per playlist (the plain filter asks for every track of every tree). */
const memberCache = new Map<string, Set<string | null>>();
const members = (playlistId: string) => {
  let m = memberCache.get(playlistId);
  if (!m)
    memberCache.set(
      playlistId,
      (m = new Set(
        t.db
          .select()
          .from(playlistTracks)
          .all()
          .filter((e) => e.playlistId === playlistId)
          .map((e) => e.trackId),
      )),
    );
  return m;
};

function matches(r: Rule, tr: Track): boolean {
  if ('all' in r) return r.all.every((k) => matches(k, tr));
  if ('any' in r) return r.any.some((k) => matches(k, tr));
  if ('not' in r) return !matches(r.not, tr);
  const v = value(tr, r.field);
  const scale = (RULE_FIELDS[r.field] as { scale?: number }).scale ?? 1;
  const num = v as number | null;
  switch (r.op) {
    case 'is':
      if (typeof r.value === 'boolean') return Boolean(v) === r.value;
      if (r.field === 'key') return v === keySortOf(parseKey(r.value)!);
      if (r.field === 'directory') return v === r.value;
      return v !== null && lc(v as string) === lc(r.value);
    case 'isNot':
      if (r.field === 'key') return v !== keySortOf(parseKey(r.value)!);
      if (r.field === 'directory') return v !== r.value;
      return lc(v as string | null) !== lc(r.value);
    case 'contains':
      return v !== null && lc(v as string).includes(lc(r.value));
    case 'notContains':
      return v === null || !lc(v as string).includes(lc(r.value));
    case 'startsWith':
      return v !== null && lc(v as string).startsWith(lc(r.value));
    case 'endsWith':
      return v !== null && lc(v as string).endsWith(lc(r.value));
    case 'inList':
      return r.field === 'key' ? r.value.some((k) => keySortOf(parseKey(k)!) === v) : v !== null && r.value.some((x) => lc(x) === lc(v as string));
    case 'isEmpty':
      return v === null || v === '';
    case 'isNotEmpty':
      return v !== null && v !== '';
    case 'eq':
      return num === r.value * scale;
    case 'ne':
      return num === null || num !== r.value * scale;
    case 'lt':
      return num !== null && num < r.value * scale;
    case 'le':
      return num !== null && num <= r.value * scale;
    case 'gt':
      return num !== null && num > r.value * scale;
    case 'ge':
      return num !== null && num >= r.value * scale;
    case 'between': {
      const [a, b] = r.value;
      return num !== null && num >= Math.min(a, b) * scale && num <= Math.max(a, b) * scale;
    }
    case 'near': {
      const { bpm, percent, halfDouble } = r.value;
      const within = (c: number) => num !== null && num >= c * (1 - percent / 100) && num <= c * (1 + percent / 100);
      return within(bpm) || (halfDouble && (within(bpm / 2) || within(bpm * 2)));
    }
    case 'inTheLast':
      return num !== null && num >= NOW - r.value * DAY;
    case 'notInTheLast':
      return num === null || num < NOW - r.value * DAY;
    case 'before':
      return num !== null && num < r.value;
    case 'after':
      return num !== null && num > r.value;
    case 'compatible':
      return compatibleKeys(parseKey(r.value)!).includes(v as number);
    case 'inPlaylist':
      return members(r.value).has(tr.id);
    case 'notInPlaylist':
      return !members(r.value).has(tr.id);
    case 'notPlayedInLast':
      return !sessionIds.slice(-r.value).some((s) => members(s).has(tr.id));
  }
}

/** At least one condition per operator and field type; each must split the library (not all, not none). */
const CONDITIONS: Condition[] = [
  { field: 'genre', op: 'is', value: 'techno' },
  { field: 'genre', op: 'isNot', value: 'House' },
  { field: 'genre', op: 'contains', value: 'house' },
  { field: 'artist', op: 'notContains', value: 'o' },
  { field: 'title', op: 'startsWith', value: 'deep' },
  { field: 'path', op: 'endsWith', value: '.FLAC' },
  { field: 'artist', op: 'contains', value: '%_' },
  { field: 'artist', op: 'is', value: "o'neil" },
  { field: 'genre', op: 'inList', value: ['Disco', 'drum & bass'] },
  { field: 'genre', op: 'isEmpty' },
  { field: 'bpm', op: 'isNotEmpty' },
  { field: 'bpm', op: 'between', value: [130, 124] },
  { field: 'bpm', op: 'near', value: { bpm: 126, percent: 3, halfDouble: true } },
  { field: 'bpm', op: 'near', value: { bpm: 126, percent: 3, halfDouble: false } },
  { field: 'year', op: 'eq', value: 2001 },
  { field: 'year', op: 'ne', value: 2001 },
  { field: 'rating', op: 'ge', value: 4 },
  { field: 'energy', op: 'lt', value: 3 },
  { field: 'playCount', op: 'gt', value: 10 },
  { field: 'playCount', op: 'le', value: 2 },
  { field: 'duration', op: 'gt', value: 360 },
  { field: 'bitrate', op: 'ge', value: 320 },
  { field: 'dateAdded', op: 'inTheLast', value: 30 },
  { field: 'lastPlayed', op: 'notInTheLast', value: 14 },
  { field: 'modified', op: 'before', value: NOW - 200 * DAY },
  { field: 'dateAdded', op: 'after', value: NOW - 100 * DAY },
  { field: 'lastPlayed', op: 'between', value: [NOW - 60 * DAY, NOW - 10 * DAY] },
  { field: 'lastPlayed', op: 'isEmpty' },
  { field: 'lossless', op: 'is', value: true },
  { field: 'analysed', op: 'is', value: false },
  { field: 'missing', op: 'is', value: true },
  { field: 'duplicate', op: 'is', value: true },
  { field: 'key', op: 'is', value: '8A' },
  { field: 'key', op: 'isNot', value: 'Am' },
  { field: 'key', op: 'inList', value: ['1A', '1B', 'C', '5m'] },
  { field: 'key', op: 'compatible', value: '12A' },
  { field: 'key', op: 'isEmpty' },
  { field: 'directory', op: 'is', value: 'dA' },
  { field: 'directory', op: 'isNot', value: 'dA' },
  { field: 'playlist', op: 'inPlaylist', value: 'crate' },
  { field: 'playlist', op: 'notInPlaylist', value: 'crate' },
  { field: 'sessions', op: 'notPlayedInLast', value: 3 },
  { field: 'format', op: 'is', value: 'FLAC' },
];

const sqlIds = (rules: Rule) => new Set(smartTrackIds(t.db, SmartDefinition.parse({ rules }), NOW));
const codeIds = (rules: Rule) => new Set(all.filter((tr) => matches(rules, tr)).map((tr) => tr.id));

describe('smart-playlist rules', () => {
  it.each(CONDITIONS.map((c) => [`${c.field} ${c.op}`, c] as const))('%s selects exactly what the plain filter selects', (_, c) => {
    const want = codeIds(c);
    expect(want.size, 'the condition must split the library').toBeGreaterThan(0);
    expect(want.size).toBeLessThan(all.length);
    expect(sqlIds(c)).toEqual(want);
  });

  it('agrees with the plain filter on 300 random nested trees of all / any / not', () => {
    let seed = 99;
    const rnd = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
    const tree = (depth: number): Rule => {
      if (depth === 0 || rnd() < 0.35) return CONDITIONS[Math.floor(rnd() * CONDITIONS.length)]!;
      const kids = Array.from({ length: 1 + Math.floor(rnd() * 3) }, () => tree(depth - 1));
      const k = rnd();
      return k < 0.45 ? { all: kids } : k < 0.9 ? { any: kids } : { not: kids[0]! };
    };
    let nonTrivial = 0;
    for (let i = 0; i < 300; i++) {
      const r = tree(4);
      const want = codeIds(r);
      if (want.size > 0 && want.size < all.length) nonTrivial++;
      expect(sqlIds(r), JSON.stringify(r)).toEqual(want);
    }
    expect(nonTrivial).toBeGreaterThan(150);
  });

  it('binds every value: injection attempts match literally and change nothing', () => {
    const before = dbFingerprint(t.db);
    const attempts = ["'; DROP TABLE tracks; --", "x' OR '1'='1", '") OR 1=1 --', '%', '_', "Robert'); DELETE FROM playlists;--", '\\', '\u0000'];
    for (const a of attempts) {
      for (const op of ['is', 'contains', 'startsWith', 'endsWith', 'isNot'] as const) {
        const c: Condition = { field: 'artist', op, value: a };
        expect(sqlIds(c)).toEqual(codeIds(c));
      }
      expect(sqlIds({ field: 'playlist', op: 'inPlaylist', value: a }).size).toBe(0);
      expect(sqlIds({ field: 'directory', op: 'is', value: a }).size).toBe(0);
    }
    expect(dbFingerprint(t.db)).toEqual(before);
  });

  it('refuses what is not a rule, with the reason', () => {
    const bad = [
      { field: 'bpm', op: 'contains', value: '12' },
      { field: 'title', op: 'between', value: [1, 2] },
      { field: 'key', op: 'is', value: 'H#' },
      { field: 'password', op: 'is', value: 'x' },
      { field: 'title', op: 'is', value: 'x'.repeat(501) },
      { all: [{ field: 'bpm', op: 'gt', value: 'NaN' }] },
      { all: [], any: [] },
    ];
    for (const rules of bad) expect(SmartDefinition.safeParse({ rules }).success, JSON.stringify(rules)).toBe(false);
    let deep: Rule = { field: 'bpm', op: 'gt', value: 1 };
    for (let i = 0; i < 9; i++) deep = { all: [deep] };
    expect(SmartDefinition.safeParse({ rules: deep }).error?.issues[0]?.message).toMatch(/deeper than 8/);
  });

  it('sorts by several fields and limits by count or by total duration', () => {
    const rules: Rule = { field: 'bpm', op: 'isNotEmpty' };
    const sorted = smartTrackIds(t.db, SmartDefinition.parse({ rules, sort: [{ field: 'rating', dir: 'desc' }, { field: 'bpm' }] }), NOW);
    const rows = sorted.map((id) => all.find((x) => x.id === id)!);
    for (let i = 1; i < rows.length; i++) {
      const [a, b] = [rows[i - 1]!, rows[i]!];
      expect(a.rating > b.rating || (a.rating === b.rating && a.bpm! <= b.bpm!)).toBe(true);
    }
    expect(smartTrackIds(t.db, SmartDefinition.parse({ rules, limit: { count: 25 } }), NOW)).toHaveLength(25);
    const hour = smartTrackIds(t.db, SmartDefinition.parse({ rules: { field: 'duration', op: 'isNotEmpty' }, sort: [{ field: 'bpm' }], limit: { durationMinutes: 60 } }), NOW);
    const total = hour.reduce((s, id) => s + all.find((x) => x.id === id)!.durationMs!, 0);
    expect(total).toBeLessThanOrEqual(3_600_000);
    expect(total).toBeGreaterThan(3_600_000 - 600_000); // filled up to the last track that fits
    expect(smartCount(t.db, SmartDefinition.parse({ rules }), NOW)).toBe(all.filter((x) => x.bpm !== null).length);
  });

  it('reads the rules back as a sentence', () => {
    const rules: Rule = {
      all: [
        {
          any: [
            { field: 'genre', op: 'is', value: 'House' },
            { field: 'genre', op: 'is', value: 'Techno' },
          ],
        },
        { field: 'bpm', op: 'between', value: [124, 130] },
        { field: 'sessions', op: 'notPlayedInLast', value: 3 },
        { not: { field: 'playlist', op: 'inPlaylist', value: 'crate' } },
        { field: 'key', op: 'compatible', value: 'Am' },
        { not: { field: 'title', op: 'startsWith', value: 'Intro' } },
        {
          not: {
            any: [
              { field: 'missing', op: 'is', value: true },
              { field: 'rating', op: 'lt', value: 3 },
            ],
          },
        },
      ],
    };
    expect(explainRule(rules, { playlist: (id) => (id === 'crate' ? 'Crate' : undefined) })).toBe(
      '(genre is “House” or genre is “Techno”) and BPM is between 124 and 130 and not played in the last 3 sessions and is not in the playlist “Crate” and key is compatible with 8A and not (title starts with “Intro”) and not (is missing or rating is below 3)',
    );
  });
});
