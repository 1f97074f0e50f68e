/**
 * The project's own test-library generator: a realistic DJ library of synthesised tracks with a
 * known BPM and key, in every format the scanner supports, tagged with mutagen (some with BPM and
 * key tags in several notations, some with covers, some untagged), plus the deliberate cases a
 * scanner must survive: exact and re-tagged copies, re-encodes, truncated / corrupt / zero-byte /
 * mis-named files, non-audio and hidden files, symlink loops, very long names and deep paths,
 * NFC/NFD twins. Ground truth goes to OUT/truth.json.
 *
 *   npx tsx server/testing/library/generate.ts N OUTDIR [--seed S] [--seconds MIN-MAX] [--no-edge]
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { encode, FORMATS, LOSSLESS, makeCover, writeTags, type FormatId, type TagOp } from './encode';
import { prng, synthesize } from './synth';

export const GENERATOR_VERSION = 5;

const NOTES = ['C', 'C#', 'D', 'Eb', 'E', 'F', 'F#', 'G', 'Ab', 'A', 'Bb', 'B'];
const CAMELOT_MAJOR = [8, 3, 10, 5, 12, 7, 2, 9, 4, 11, 6, 1];
const CAMELOT_MINOR = [5, 12, 7, 2, 9, 4, 11, 6, 1, 8, 3, 10];
export const camelotOf = (tonic: number, mode: 'major' | 'minor') => `${(mode === 'major' ? CAMELOT_MAJOR : CAMELOT_MINOR)[tonic]}${mode === 'major' ? 'B' : 'A'}`;
export const openKeyOf = (tonic: number, mode: 'major' | 'minor') => {
  const c = (mode === 'major' ? CAMELOT_MAJOR : CAMELOT_MINOR)[tonic]!;
  return `${((c + 4) % 12) + 1}${mode === 'major' ? 'd' : 'm'}`; // 1d = C major, 1m = A minor
};
export const musicalKeyOf = (tonic: number, mode: 'major' | 'minor') => `${NOTES[tonic]}${mode === 'minor' ? 'm' : ''}`;

const ARTISTS = [
  'Nova Kovač',
  'Zoë Fjällström',
  'Björn Dubois',
  'Café del Nöir',
  '東京 Night Drive',
  'Москва Бас',
  'ΔΣ Collective',
  'Les Enfants Électriques',
  'Mañana Sound System',
  'Kenji Tanaka',
  'Priya Haddad',
  'AC/DC Tribute Band',
  'Weird: Chars? *Here*',
  'Søren Petrov',
];
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
  'Mirage',
  'Signal',
  'Берлин',
  'Lumière',
  '夜明け',
  'Fuego',
  'Orbit',
  'Prism',
  'Ritual',
  'Zenith',
];
const MIXES = ['', '', ' (Original Mix)', ' (Extended Mix)', ' (Dub)', ' (feat. Léa Dubois)', ' [VIP]'];
const GENRES: [string, number, number][] = [
  ['House', 120, 128],
  ['Deep House', 118, 124],
  ['Techno', 125, 140],
  ['Drum & Bass', 170, 176],
  ['Hip-Hop', 85, 100],
  ['Disco', 110, 124],
  ['Trance', 130, 140],
];
const FORMAT_WEIGHTS: [FormatId, number][] = [
  ['mp3-cbr320', 24],
  ['mp3-v0', 10],
  ['mp3-cbr128', 4],
  ['flac', 16],
  ['m4a-aac', 9],
  ['m4a-alac', 3],
  ['ogg', 6],
  ['opus', 4],
  ['aiff', 6],
  ['wav', 5],
  ['wav24', 2],
  ['wma', 3],
  ['wv', 3],
  ['aac', 2],
];
const ALL_FORMATS = Object.keys(FORMATS) as FormatId[];

export interface TruthTrack {
  path: string;
  format: FormatId;
  seconds: number;
  bpm: number;
  tonic: number;
  mode: 'major' | 'minor';
  camelot: string;
  tagged: boolean;
  tags: Record<string, string | number | boolean> | null;
  /** BPM and key as written into the tags (the BPM is deliberately doubled on some). */
  tagBpm: number | null;
  tagKey: string | null;
  hasCover: boolean;
  lossless: boolean;
  /** Files sharing the same audio payload (exact and re-tagged copies) share a group. */
  dupGroup?: string;
  copyKind?: 'original' | 'exact-copy' | 'retag';
  /** A re-encode of another track: same music, different audio bytes (not a duplicate by hash). */
  reencodeOf?: string;
  edge?: string;
}

export interface TruthSpecial {
  kind: string;
  path: string;
  of?: string;
  /** What a scanner should make of it. */
  expect: 'broken' | 'ignored' | 'track';
  note?: string;
}

export interface Truth {
  generator: string;
  version: number;
  seed: number;
  tracks: TruthTrack[];
  specials: TruthSpecial[];
  dupGroups: Record<string, string[]>;
  /** Non-track files (e.g. a misnamed copy) that belong to a duplicate group; folded into dupGroups. */
  specialGroups?: [string, string][];
}

export interface GenerateOptions {
  n: number;
  seed?: number;
  seconds?: [number, number];
  /** Deliberate edge cases (broken files, junk, links…); on by default. */
  edgeCases?: boolean;
  parallel?: number;
}

const sanitize = (s: string) => s.replace(/[/\0]/g, '_').replace(/^\.+/, '_').trim() || '_';

async function pool<T>(items: T[], n: number, fn: (item: T) => Promise<void>) {
  let i = 0;
  await Promise.all(
    Array.from({ length: Math.min(n, items.length) }, async () => {
      while (i < items.length) await fn(items[i++]!);
    }),
  );
}

interface Plan extends TruthTrack {
  seed: number;
  abs: string;
}

type PlanInput = Omit<Plan, 'camelot' | 'abs' | 'lossless' | 'seed' | 'tonic' | 'mode' | 'bpm' | 'seconds'> & Partial<Plan>;

const strip = ({ abs: _abs, seed: _seed, ...t }: Plan): TruthTrack => ({ ...t });

/**
 * Generates a library under OUT/library and returns (and writes) its truth. The steps draw from one
 * seeded random sequence in a fixed order: the same options give the same files.
 */
export async function generateLibrary(out: string, opts: GenerateOptions): Promise<Truth> {
  const b = new LibraryBuilder(out, opts);
  await b.makeCovers();
  b.planAlbums(opts.n);
  b.planProbes();
  await b.render();
  if (opts.edgeCases !== false) {
    // plans are added to the truth at the end, once copies have marked their originals
    const originals = b.plans.filter((p) => p.tagged && !p.edge && !p.path.startsWith('_Formats'));
    await b.copies(originals, opts.n);
    await b.reencodes(originals, opts.n);
    b.brokenFiles();
    b.junk(originals[0]!);
    await b.hiddenFiles();
    await b.edgeNames();
    b.links(originals[0]!);
  }
  return finish(out, b.truth, b.plans.map(strip));
}

/** One generation's state: the seeded random sequence, the planned tracks, the truth so far. */
class LibraryBuilder {
  readonly plans: Plan[] = [];
  readonly truth: Truth;
  private readonly rnd: () => number;
  private readonly lib: string;
  private readonly work: string;
  private readonly covers: string[];
  private readonly seconds: [number, number];
  private readonly parallel: number;
  private group = 0;

  constructor(out: string, opts: GenerateOptions) {
    const seed = opts.seed ?? 1;
    this.rnd = prng(seed * 7919 + opts.n);
    this.seconds = opts.seconds ?? [4, 8];
    this.parallel = opts.parallel ?? Math.max(1, os.availableParallelism());
    this.lib = path.join(out, 'library');
    this.work = path.join(out, '.gen');
    fs.mkdirSync(this.lib, { recursive: true });
    fs.mkdirSync(this.work, { recursive: true });
    this.covers = ['cover-a.jpg', 'cover-b.jpg', 'cover-c.jpg'].map((c) => path.join(this.work, c));
    this.truth = { generator: 'mismo-library server/testing/library/generate.ts', version: GENERATOR_VERSION, seed, tracks: [], specials: [], dupGroups: {}, specialGroups: [] };
  }

  private pick<T>(a: readonly T[]): T {
    return a[Math.floor(this.rnd() * a.length)]!;
  }

  private weightedFormat(): FormatId {
    const total = FORMAT_WEIGHTS.reduce((s, [, w]) => s + w, 0);
    let x = this.rnd() * total;
    for (const [f, w] of FORMAT_WEIGHTS) if ((x -= w) < 0) return f;
    return 'mp3-cbr320';
  }

  private special(s: TruthSpecial) {
    this.truth.specials.push(s);
  }

  async makeCovers() {
    await Promise.all(this.covers.map((c, i) => makeCover(c, [300, 500, 800][i]!, ['testsrc2', 'mandelbrot', 'smptebars'][i])));
  }

  /** A planned track: what is not given is drawn (a genre's tempo, a key, a length). */
  private plan(p: PlanInput): Plan {
    const rnd = this.rnd;
    const g = this.pick(GENRES);
    const bpm = p.bpm ?? g[1] + Math.floor(rnd() * (g[2] - g[1] + 1)) + (rnd() < 0.15 ? 0.5 : 0);
    const tonic = p.tonic ?? Math.floor(rnd() * 12);
    const mode = p.mode ?? (rnd() < 0.55 ? 'minor' : 'major');
    const [minS, maxS] = this.seconds;
    const seconds = p.seconds ?? Math.round((minS + rnd() * (maxS - minS)) * 10) / 10;
    const plan: Plan = {
      ...p,
      bpm,
      tonic,
      mode,
      seconds,
      camelot: camelotOf(tonic, mode),
      lossless: LOSSLESS.includes(p.format),
      seed: Math.floor(rnd() * 2 ** 31),
      abs: path.join(this.lib, p.path),
    };
    if (plan.tags && !plan.tags.genre) plan.tags.genre = g[0];
    this.plans.push(plan);
    return plan;
  }

  /** Albums of 2–6 tracks by the same artist, mostly in one format, until there are n tracks. */
  planAlbums(n: number) {
    const rnd = this.rnd;
    let albumNo = 0;
    while (this.plans.length < n) {
      const artist = this.pick(ARTISTS);
      const album = `${this.pick(WORDS)} ${this.pick(['EP', 'LP', 'Sessions', 'Remixes', ''])}`.trim();
      const year = 1990 + Math.floor(rnd() * 35);
      const label = this.pick(['Nightshift Records', 'Ω Audio', 'Kompakt-ish', '']);
      const fmt = this.weightedFormat();
      const count = Math.min(n - this.plans.length, 2 + Math.floor(rnd() * 5));
      const dir = path.join(sanitize(artist), `${year} - ${sanitize(album)} ${++albumNo}`);
      for (let k = 0; k < count; k++) {
        const title = `${this.pick(WORDS)} ${this.pick(WORDS)}${this.pick(MIXES)}`;
        const format = rnd() < 0.85 ? fmt : this.weightedFormat();
        const tagged = rnd() > 0.06;
        const bpmTag = tagged && rnd() < 0.45;
        const keyRoll = rnd();
        const p = this.plan({
          path: path.join(dir, `${String(k + 1).padStart(2, '0')} - ${sanitize(title)}.${FORMATS[format]}`),
          format,
          tagged,
          tags: tagged
            ? {
                title,
                artist,
                album,
                albumartist: artist,
                date: String(year),
                tracknumber: k + 1,
                tracktotal: count,
                comment: `gen ${this.plans.length}`,
                ...(label ? { label } : {}),
              }
            : null,
          tagBpm: null,
          tagKey: null,
          hasCover: tagged && rnd() < 0.4,
        });
        if (bpmTag) p.tagBpm = rnd() < 0.1 ? Math.round(p.bpm * 2) : Math.round(p.bpm);
        if (tagged && keyRoll < 0.4) p.tagKey = keyRoll < 0.2 ? musicalKeyOf(p.tonic, p.mode) : keyRoll < 0.3 ? p.camelot : openKeyOf(p.tonic, p.mode);
        if (format === 'm4a-aac' || format === 'm4a-alac') p.tagBpm = p.tagBpm === null ? null : Math.round(p.tagBpm);
      }
    }
  }

  /** One of every format, so even a tiny library covers them all; and untagged files named the way people name them. */
  planProbes() {
    for (const format of ALL_FORMATS) {
      const title = `Format Probe ${format}`;
      this.plan({
        path: path.join('_Formats', `${title}.${FORMATS[format]}`),
        format,
        tagged: true,
        tags: { title, artist: 'Format Probe', album: 'All Formats', albumartist: 'Format Probe', date: '2024', genre: 'House', tracknumber: 1 },
        tagBpm: 126,
        tagKey: '8A',
        hasCover: !['wav', 'wav24'].includes(format),
        bpm: 126,
        tonic: 9,
        mode: 'minor',
      });
    }
    for (const [name, fmt] of [
      ['_Unsorted/07 - Kenji Tanaka - Neon Pulse.mp3', 'mp3-cbr320'],
      ['_Unsorted/Priya_Haddad_-_Velvet_Drift.flac', 'flac'],
      ['_Unsorted/Untitled Sketch.wav', 'wav'],
    ] as const) {
      this.plan({ path: name, format: fmt, tagged: false, tags: null, tagBpm: null, tagKey: null, hasCover: false, edge: 'filename-fallback' });
    }
  }

  /** Synthesises, encodes and tags every planned track. */
  async render() {
    const toTag: TagOp[] = [];
    await pool(this.plans, this.parallel, async (p) => {
      fs.mkdirSync(path.dirname(p.abs), { recursive: true });
      const pcm = synthesize({ seconds: p.seconds, bpm: p.bpm, tonic: p.tonic, mode: p.mode, seed: p.seed });
      await encode(p.format, pcm, path.join(this.work, `${p.seed}.wav`), p.abs);
      fs.rmSync(path.join(this.work, `${p.seed}.wav`), { force: true });
      if (p.tagged && p.tags) {
        toTag.push({
          path: p.abs,
          tags: { ...p.tags, bpm: p.tagBpm ?? undefined, key: p.tagKey ?? undefined },
          cover: p.hasCover ? this.covers[p.seed % this.covers.length] : null,
          id3: p.seed % 3 === 0 ? 'v24' : 'v23',
          id3v1: p.seed % 4 === 0,
        });
      }
    });
    for (let i = 0; i < toTag.length; i += 50) await writeTags(toTag.slice(i, i + 50));
  }

  private copy(src: Plan, rel: string) {
    fs.mkdirSync(path.dirname(path.join(this.lib, rel)), { recursive: true });
    fs.copyFileSync(src.abs, path.join(this.lib, rel));
  }

  private startGroup(src: Plan) {
    src.dupGroup = `G${++this.group}`;
    src.copyKind = 'original';
    return src.dupGroup;
  }

  /** Exact copies and re-tagged copies (same audio): duplicate groups. */
  async copies(originals: Plan[], n: number) {
    for (let i = 0; i < Math.max(2, Math.round(n * 0.04)) && i < originals.length; i++) {
      const src = originals[(i * 7) % originals.length]!;
      if (src.dupGroup) continue;
      this.startGroup(src);
      const rel = i % 2 === 0 ? path.join('_Duplicates', path.basename(src.path)) : path.join('Backup', 'Old Drive', src.path);
      this.copy(src, rel);
      this.truth.tracks.push({ ...strip(src), path: rel, copyKind: 'exact-copy' });
    }
    const retaggable = originals.filter((p) => !p.dupGroup);
    const retagOps: TagOp[] = [];
    for (let i = 0; i < Math.max(3, Math.round(n * 0.03)) && i < retaggable.length; i++) {
      const src = retaggable[(i * 5) % retaggable.length]!;
      if (src.dupGroup) continue;
      this.startGroup(src);
      const rel = path.join('_Retagged', `${i} - ${path.basename(src.path)}`);
      this.copy(src, rel);
      retagOps.push({
        path: path.join(this.lib, rel),
        tags: { title: `Retagged Ünïcode Title ${i}`, artist: 'Somebody Else ★', bpm: 999, comment: 'x'.repeat(3000) },
        cover: this.covers[(i + 1) % this.covers.length],
        id3: 'v24',
        id3v1: true,
        padding: 4096 + i * 1000,
      });
      this.truth.tracks.push({ ...strip(src), path: rel, copyKind: 'retag', tags: null, tagBpm: 999, tagKey: null, hasCover: true });
    }
    await writeTags(retagOps);
  }

  /** Re-encodes: the same music in other bytes (not a duplicate by hash). */
  async reencodes(originals: Plan[], n: number) {
    const from = originals.filter((p) => !p.dupGroup).slice(0, Math.max(2, Math.round(n * 0.02)));
    await pool(from, this.parallel, async (src) => {
      const format: FormatId = src.format.startsWith('mp3') ? 'ogg' : 'mp3-cbr320';
      const rel = path.join('_Reencoded', `${path.basename(src.path, path.extname(src.path))}.${FORMATS[format]}`);
      fs.mkdirSync(path.join(this.lib, '_Reencoded'), { recursive: true });
      const pcm = synthesize({ seconds: src.seconds, bpm: src.bpm, tonic: src.tonic, mode: src.mode, seed: src.seed });
      await encode(format, pcm, path.join(this.work, `re-${src.seed}.wav`), path.join(this.lib, rel));
      const none = { tagged: false, tags: null, tagBpm: null, tagKey: null, hasCover: false, dupGroup: undefined, copyKind: undefined };
      this.truth.tracks.push({ ...strip(src), ...none, path: rel, format, lossless: LOSSLESS.includes(format), reencodeOf: src.path });
    });
  }

  /** Truncated, zeroed, mis-named, garbage and empty files. */
  brokenFiles() {
    const firstOf = (prefix: string) => this.plans.find((p) => p.format.startsWith(prefix) && !p.dupGroup && !p.edge);
    const write = (rel: string, data: Buffer | string, s: Omit<TruthSpecial, 'path'>) => {
      fs.writeFileSync(path.join(this.lib, rel), data);
      this.special({ ...s, path: rel });
    };
    fs.mkdirSync(path.join(this.lib, '_Broken'), { recursive: true });
    for (const [prefix, frac] of [
      ['mp3', 0.5],
      ['flac', 0.4],
      ['m4a-aac', 0.6],
      ['ogg', 0.3],
    ] as const) {
      const src = firstOf(prefix);
      if (!src) continue;
      const buf = fs.readFileSync(src.abs);
      write(path.join('_Broken', `truncated ${frac * 100}pct.${FORMATS[src.format]}`), buf.subarray(0, Math.floor(buf.length * frac)), {
        kind: 'truncated',
        of: src.path,
        expect: 'broken',
      });
    }
    const mp3 = firstOf('mp3');
    if (mp3) {
      const buf = Buffer.from(fs.readFileSync(mp3.abs));
      buf.fill(0, Math.floor(buf.length * 0.4), Math.floor(buf.length * 0.4) + 16384);
      write('_Broken/zeroed middle.mp3', buf, { kind: 'corrupt-middle', of: mp3.path, expect: 'broken' });
      const b2 = Buffer.from(fs.readFileSync(mp3.abs));
      if (b2.toString('latin1', 0, 3) === 'ID3') {
        b2.writeUInt8(0x7f, 6);
        b2.writeUInt8(0x7f, 7);
        write('_Broken/bad id3 size.mp3', b2, { kind: 'corrupt-header', of: mp3.path, expect: 'broken' });
      }
    }
    const flacSrc = firstOf('flac');
    if (flacSrc) {
      fs.copyFileSync(flacSrc.abs, path.join(this.lib, '_Broken/actually flac.mp3'));
      const note = 'FLAC content named .mp3: imported as FLAC, with a warning; same audio as its source, so a duplicate';
      this.special({ kind: 'wrong-extension', path: '_Broken/actually flac.mp3', of: flacSrc.path, expect: 'track', note });
      this.truth.specialGroups!.push([this.startGroup(flacSrc), '_Broken/actually flac.mp3']);
    }
    const noise = this.noise();
    write('_Broken/random noise.mp3', noise, { kind: 'garbage', expect: 'broken' });
    write('_Broken/fake header.flac', Buffer.concat([Buffer.from('fLaC'), noise.subarray(0, 8192)]), { kind: 'garbage', expect: 'broken' });
    for (const z of ['_Broken/empty.mp3', '_Broken/empty.flac', '_Broken/empty.m4a']) write(z, '', { kind: 'zero-byte', expect: 'broken' });
  }

  private noiseBytes: Buffer | undefined;
  /** 128 KiB of random bytes, drawn once. */
  private noise() {
    if (!this.noiseBytes) {
      this.noiseBytes = Buffer.alloc(131072);
      for (let i = 0; i < this.noiseBytes.length; i++) this.noiseBytes[i] = Math.floor(this.rnd() * 256);
    }
    return this.noiseBytes;
  }

  /** Non-audio files, hidden files and OS junk beside an album. */
  junk(beside: Plan) {
    const albumDir = path.dirname(beside.path);
    const noise = this.noise();
    const junk: [string, Buffer | string, string][] = [
      ['folder.jpg', fs.readFileSync(this.covers[0]!), 'non-audio'],
      ['info.txt', 'Ripped by the generator\n', 'non-audio'],
      ['album.cue', 'PERFORMER "x"\n', 'non-audio'],
      ['album.nfo', '== NFO ==\n', 'non-audio'],
      ['playlist.m3u8', '01 - x.mp3\n', 'non-audio'],
      ['Thumbs.db', noise.subarray(0, 4096), 'non-audio'],
      ['.DS_Store', noise.subarray(0, 6148), 'hidden-junk'],
      [`._${path.basename(beside.path)}`, Buffer.concat([Buffer.from([0, 5, 22, 7, 0, 2, 0, 0]), noise.subarray(0, 4088)]), 'hidden-junk'],
    ];
    for (const [name, data, kind] of junk) {
      fs.writeFileSync(path.join(this.lib, albumDir, name), data);
      this.special({ kind, path: path.join(albumDir, name), expect: 'ignored' });
    }
  }

  /** Real audio in hidden places: never part of the library. */
  async hiddenFiles() {
    for (const [rel, fmt] of [
      ['.hidden_folder/hidden track.mp3', 'mp3-cbr128'],
      ['_Edge/.dotfile track.flac', 'flac'],
    ] as const) {
      fs.mkdirSync(path.dirname(path.join(this.lib, rel)), { recursive: true });
      await encode(fmt, synthesize({ seconds: 2, bpm: 120, tonic: 0, mode: 'major', seed: 5 }), path.join(this.work, 'hidden.wav'), path.join(this.lib, rel));
      this.special({ kind: 'hidden', path: rel, expect: 'ignored' });
    }
  }

  /** Names: very long, deep, NFC/NFD twins (real, tagged audio). */
  async edgeNames() {
    const edgeTracks: [string, string][] = [
      [path.join('_Edge', 'x'.repeat(120), `${'Very Long Title '.repeat(15)}`.slice(0, 240) + '.mp3'), 'long-name'],
      [path.join('_Edge', `${'長い曲名'.repeat(20)}.mp3`), 'long-cjk-name'],
      [path.join('_Edge', ...Array.from({ length: 30 }, (_, i) => `level${String(i).padStart(2, '0')}-${'d'.repeat(12)}`), 'deep.mp3'), 'deep-path'],
      [path.join('Café Nöir'.normalize('NFC'), '01 - Crème brûlée.mp3'.normalize('NFC')), 'nfc'],
      [path.join('Café Nöir'.normalize('NFD'), '01 - Crème brûlée.mp3'.normalize('NFD')), 'nfd'],
    ];
    const edgeOps: TagOp[] = [];
    for (const [rel, edge] of edgeTracks) {
      const tags = { title: `Edge ${edge}`, artist: 'Café Nöir', album: 'Edges', genre: 'House' };
      const p = this.plan({ path: rel, format: 'mp3-cbr128', tagged: true, tags, tagBpm: null, tagKey: null, hasCover: false, edge, seconds: 2 });
      fs.mkdirSync(path.dirname(p.abs), { recursive: true });
      await encode('mp3-cbr128', synthesize({ seconds: p.seconds, bpm: p.bpm, tonic: p.tonic, mode: p.mode, seed: p.seed }), path.join(this.work, 'edge.wav'), p.abs);
      edgeOps.push({ path: p.abs, tags: p.tags!, id3: 'v24' });
    }
    await writeTags(edgeOps);
  }

  /** Symlinks: loops, a broken link, links to a file and to a folder (not followed by default). */
  links(target: Plan) {
    const dir = path.join(this.lib, '_Links');
    fs.mkdirSync(dir, { recursive: true });
    const link = (to: string, rel: string, kind: string) => {
      fs.symlinkSync(to, path.join(this.lib, rel));
      this.special({ kind, path: rel, expect: 'ignored' });
    };
    link('..', '_Links/loop-to-parent', 'symlink-loop');
    link('.', '_Links/loop-to-self', 'symlink-loop');
    link('b', '_Links/a', 'symlink-loop');
    link('a', '_Links/b', 'symlink-loop');
    link('does-not-exist.mp3', '_Links/broken.mp3', 'symlink-broken');
    link(path.relative(dir, target.abs), `_Links/favourite.${FORMATS[target.format]}`, 'symlink-file');
    link(path.relative(dir, path.join(this.lib, path.dirname(target.path))), '_Links/favourite album', 'symlink-dir');
  }
}

function finish(out: string, truth: Truth, planned: TruthTrack[]): Truth {
  truth.tracks.push(...planned);
  for (const t of truth.tracks) if (t.dupGroup) (truth.dupGroups[t.dupGroup] ??= []).push(t.path);
  for (const [g, p] of truth.specialGroups ?? []) (truth.dupGroups[g] ??= []).push(p);
  delete truth.specialGroups;
  truth.tracks.sort((a, b) => a.path.localeCompare(b.path));
  fs.writeFileSync(path.join(out, 'truth.json'), JSON.stringify(truth, null, 1));
  fs.rmSync(path.join(out, '.gen'), { recursive: true, force: true });
  return truth;
}

/**
 * A generated library for tests, made once per option set and cached in the temp folder
 * (concurrent test processes wait for the one that generates it).
 */
export async function fixtureLibrary(opts: GenerateOptions): Promise<{ root: string; truth: Truth }> {
  const key = `v${GENERATOR_VERSION}-n${opts.n}-s${opts.seed ?? 1}-${(opts.seconds ?? [4, 8]).join('_')}-${opts.edgeCases === false ? 'plain' : 'edge'}`;
  const base = path.join(os.tmpdir(), 'mismo-fixtures', key);
  const done = path.join(base, 'truth.json');
  const lock = `${base}.lock`;
  fs.mkdirSync(path.dirname(base), { recursive: true });
  for (;;) {
    if (fs.existsSync(done)) return { root: path.join(base, 'library'), truth: JSON.parse(fs.readFileSync(done, 'utf8')) as Truth };
    try {
      fs.mkdirSync(lock);
    } catch {
      const age = Date.now() - fs.statSync(lock).mtimeMs;
      if (age > 10 * 60_000) fs.rmSync(lock, { recursive: true, force: true });
      await new Promise((r) => setTimeout(r, 250));
      continue;
    }
    try {
      fs.rmSync(base, { recursive: true, force: true });
      const tmp = `${base}.tmp-${process.pid}`;
      fs.rmSync(tmp, { recursive: true, force: true });
      await generateLibrary(tmp, opts);
      fs.renameSync(tmp, base);
    } finally {
      fs.rmSync(lock, { recursive: true, force: true });
    }
  }
}

/** Copies a fixture library to a scratch folder a test may change (symlinks kept as links). */
export function copyLibrary(from: string, to: string) {
  fs.cpSync(from, to, { recursive: true, verbatimSymlinks: true });
  return to;
}

if (process.argv[1] && fs.realpathSync(process.argv[1]) === fs.realpathSync(new URL(import.meta.url).pathname)) {
  const args = process.argv.slice(2);
  const flag = (name: string) => {
    const i = args.indexOf(name);
    return i >= 0 ? args.splice(i, 2)[1] : undefined;
  };
  const seed = Number(flag('--seed') ?? 1);
  const seconds = flag('--seconds')?.split('-').map(Number) as [number, number] | undefined;
  const noEdge = args.includes('--no-edge');
  const [n, outDir] = args.filter((a) => !a.startsWith('--'));
  if (!n || !outDir) {
    console.error('usage: generate.ts N OUTDIR [--seed S] [--seconds MIN-MAX] [--no-edge]');
    process.exit(2);
  }
  const t0 = Date.now();
  const truth = await generateLibrary(path.resolve(outDir), { n: Number(n), seed, seconds, edgeCases: !noEdge });
  console.log(
    `${truth.tracks.length} audio files, ${truth.specials.length} specials, ${Object.keys(truth.dupGroups).length} duplicate groups in ${((Date.now() - t0) / 1000).toFixed(1)} s → ${outDir}`,
  );
}
