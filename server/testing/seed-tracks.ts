import { parseKey } from '../music/keys';
import crypto from 'node:crypto';
import path from 'node:path';
import { libraryDirectories, tracks, type NewTrack } from '@/drizzle/schema';
import type { Db } from '../db/client';
import { FastRows } from '../db/fast-rows';
import { prng } from './library/synth';

const FIRST = [
  'Nova',
  'Kaito',
  'Zoë',
  'Björn',
  'Chloé',
  'Dmitri',
  'Ésme',
  'Felix',
  'Gaia',
  'Hana',
  'Ilya',
  'Jürgen',
  'Kenji',
  'Léa',
  'Marek',
  'Niño',
  'Oona',
  'Priya',
  'Rafał',
  'Søren',
  'Tomás',
  'Uma',
  'Vesna',
  'Yusuf',
];
const LAST = ['Nightshift', 'Kovač', 'Müller', 'Oyelaran', 'Fjällström', 'Dubois', 'Tanaka', 'Ivanova', 'Vargas', 'Şahin', 'Nakamura', 'Petrov', 'Haddad', 'Lindqvist'];
const WORDS = [
  'Midnight',
  'Groove',
  'Echo',
  'Sunrise',
  'Velvet',
  'Pulse',
  'Horizon',
  'Neon',
  'Drift',
  'Rain',
  'Mirage',
  'Signal',
  'Ocean',
  'Tokyo',
  'Berlin',
  'Fiesta',
  'Nocturne',
  'Gravity',
  'Ember',
  'Lumière',
  'Fuego',
  'Cascade',
  'Orbit',
  'Sahara',
  'Prism',
  'Halcyon',
  'Ritual',
  'Zenith',
  'Sueño',
  'Crème',
];
const GENRES: [string, number, number][] = [
  ['House', 120, 128],
  ['Deep House', 118, 124],
  ['Tech House', 124, 128],
  ['Techno', 125, 140],
  ['Drum & Bass', 170, 176],
  ['Hip-Hop', 85, 100],
  ['Disco', 110, 124],
  ['Trance', 130, 140],
  ['Dubstep', 138, 142],
  ['Downtempo', 80, 105],
];
const FORMATS: [string, boolean, number][] = [
  ['mp3', false, 320_000],
  ['mp3', false, 256_000],
  ['flac', true, 900_000],
  ['m4a', false, 256_000],
  ['wav', true, 1_411_000],
  ['aiff', true, 1_411_000],
];

/**
 * Inserts `n` realistic track rows (no files): thousands of artists with accents, genres with
 * plausible tempos, keys, years, formats, ratings, some missing/broken/duplicate. Deterministic
 * for a seed. Returns the inserted rows.
 */
export function seedTracks(db: Db, n: number, opts: { seed?: number; directoryId?: string | null; now?: number } = {}): NewTrack[] {
  const rnd = prng(opts.seed ?? 7);
  const pick = <T>(a: readonly T[]) => a[Math.floor(rnd() * a.length)]!;
  const now = opts.now ?? Date.UTC(2026, 0, 1);
  const artists = Array.from({ length: Math.max(10, Math.round(n / 20)) }, (_, i) => `${pick(FIRST)} ${pick(LAST)}${i % 7 === 0 ? '' : ` ${i}`}`);
  const fast = new FastRows(db);
  const out: NewTrack[] = [];
  for (let i = 0; i < n; i++) {
    const [genre, lo, hi] = pick(GENRES);
    const [format, lossless, bitrate] = pick(FORMATS);
    const artist = pick(artists);
    const title = `${pick(WORDS)} ${pick(WORDS)}${rnd() < 0.2 ? ' (Extended Mix)' : ''}`;
    const analysed = rnd() < 0.8;
    const bpm = analysed ? Math.round((lo + rnd() * (hi - lo)) * 100) / 100 : rnd() < 0.5 ? lo + Math.floor(rnd() * (hi - lo)) : null;
    const hasKey = analysed || rnd() < 0.3;
    const t: NewTrack = {
      id: crypto.randomUUID(),
      directoryId: opts.directoryId ?? null,
      relPath: `${artist}/${pick(WORDS)} EP/${String(i % 12).padStart(2, '0')} - ${title} ${i}.${format}`,
      fileName: `${String(i % 12).padStart(2, '0')} - ${title} ${i}.${format}`,
      fileExt: format,
      sizeBytes: Math.round((bitrate / 8) * (150 + rnd() * 300)),
      mtimeMs: now - Math.floor(rnd() * 1e10),
      audioHash: crypto.randomBytes(8).toString('hex'),
      format,
      codec: format.toUpperCase(),
      isLossless: lossless,
      bitrate,
      sampleRate: rnd() < 0.8 ? 44100 : 48000,
      channels: 2,
      durationMs: Math.round((150 + rnd() * 300) * 1000),
      title,
      artist,
      album: `${pick(WORDS)} EP`,
      albumArtist: artist,
      genre: rnd() < 0.95 ? genre : null,
      year: rnd() < 0.9 ? 1990 + Math.floor(rnd() * 36) : null,
      trackNumber: (i % 12) + 1,
      comment: rnd() < 0.1 ? `Promo copy from ${pick(WORDS)} Records` : null,
      label: rnd() < 0.5 ? `${pick(WORDS)} Records` : null,
      tagBpm: bpm,
      bpm,
      keyPitch: hasKey ? Math.floor(rnd() * 12) : null,
      keyMode: null,
      isAnalyzed: analysed,
      // where the values came from, and how sure (derived from i: the random stream stays as it was)
      bpmSource: bpm === null ? null : analysed ? 'builtin' : 'tag',
      bpmConfidence: bpm !== null && analysed ? ((i * 37) % 100) / 100 : null,
      keySource: hasKey ? (analysed ? 'builtin' : 'tag') : null,
      keyConfidence: hasKey && analysed ? ((i * 53) % 100) / 100 : null,
      energy: null,
      rating: rnd() < 0.6 ? 0 : 1 + Math.floor(rnd() * 5),
      energyLevel: rnd() < 0.5 ? null : 1 + Math.floor(rnd() * 10),
      playCount: Math.floor(rnd() * rnd() * 40),
      lastPlayedAt: rnd() < 0.3 ? now - Math.floor(rnd() * 1e10) : null,
      isMissing: rnd() < 0.02,
      isBroken: rnd() < 0.01,
      dateAdded: now - Math.floor(rnd() * 3e10),
      metadataSource: 'tags',
      createdAt: now,
      updatedAt: now,
    };
    t.keyMode = t.keyPitch === null ? null : rnd() < 0.55 ? 0 : 1;
    out.push(t);
  }
  for (let i = 0; i < out.length; i += 5000) {
    db.$client.transaction(() => {
      for (const t of out.slice(i, i + 5000)) fast.insert(tracks, t);
    })();
  }
  return out;
}

/** One library folder row (no folder on disk needed) for tests that insert tracks by hand. */
export function insertFolder(db: Db, id = 'd1', folderPath = '/music') {
  db.insert(libraryDirectories)
    .values({ id, path: folderPath, name: path.basename(folderPath) || id, createdAt: 1, updatedAt: 1 })
    .run();
  return id;
}

/** One track row with plain defaults (in folder `d1`) and the fields a test cares about; returns its id. */
export function insertTrack(db: Db, fields: Partial<NewTrack> = {}): string {
  const id = fields.id ?? crypto.randomUUID();
  const rel = fields.relPath ?? `${id}.mp3`;
  db.insert(tracks)
    .values({ directoryId: 'd1', fileName: path.basename(rel), fileExt: 'mp3', sizeBytes: 1, mtimeMs: 1, dateAdded: 1, createdAt: 1, updatedAt: 1, ...fields, id, relPath: rel })
    .run();
  return id;
}

/** A track as the analyzer would leave it: BPM, key (any notation) and energy, genre House. */
export function insertAnalysedTrack(db: Db, title: string, bpm: number, key: string, energy: number, fields: Partial<NewTrack> = {}): string {
  const k = parseKey(key);
  if (!k) throw new Error(`not a key: ${key}`);
  return insertTrack(db, { title, bpm, keyPitch: k.pitch, keyMode: k.mode, energyLevel: energy, genre: 'House', ...fields });
}
