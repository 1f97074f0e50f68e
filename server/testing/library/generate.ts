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

/** Generates a library under OUT/library and returns (and writes) its truth. */
export async function generateLibrary(out: string, opts: GenerateOptions): Promise<Truth> {
  const seed = opts.seed ?? 1;
  const rnd = prng(seed * 7919 + opts.n);
  const pick = <T>(a: readonly T[]) => a[Math.floor(rnd() * a.length)]!;
  const weighted = () => {
    const total = FORMAT_WEIGHTS.reduce((s, [, w]) => s + w, 0);
    let x = rnd() * total;
    for (const [f, w] of FORMAT_WEIGHTS) if ((x -= w) < 0) return f;
    return 'mp3-cbr320' as FormatId;
  };
  const [minS, maxS] = opts.seconds ?? [4, 8];
  const lib = path.join(out, 'library');
  const work = path.join(out, '.gen');
  fs.mkdirSync(lib, { recursive: true });
  fs.mkdirSync(work, { recursive: true });
  const covers = [path.join(work, 'cover-a.jpg'), path.join(work, 'cover-b.jpg'), path.join(work, 'cover-c.jpg')];
  await Promise.all(covers.map((c, i) => makeCover(c, [300, 500, 800][i]!, ['testsrc2', 'mandelbrot', 'smptebars'][i])));

  // ---- plan
  interface Plan extends TruthTrack {
    seed: number;
    abs: string;
  }
  const plans: Plan[] = [];
  const mk = (p: Omit<Plan, 'camelot' | 'abs' | 'lossless' | 'seed' | 'tonic' | 'mode' | 'bpm' | 'seconds'> & Partial<Plan>): Plan => {
    const g = pick(GENRES);
    const bpm = p.bpm ?? g[1] + Math.floor(rnd() * (g[2] - g[1] + 1)) + (rnd() < 0.15 ? 0.5 : 0);
    const tonic = p.tonic ?? Math.floor(rnd() * 12);
    const mode = p.mode ?? (rnd() < 0.55 ? 'minor' : 'major');
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
      abs: path.join(lib, p.path),
    };
    if (plan.tags && !plan.tags.genre) plan.tags.genre = g[0];
    plans.push(plan);
    return plan;
  };
  let albumNo = 0;
  while (plans.length < opts.n) {
    const artist = pick(ARTISTS);
    const album = `${pick(WORDS)} ${pick(['EP', 'LP', 'Sessions', 'Remixes', ''])}`.trim();
    const year = 1990 + Math.floor(rnd() * 35);
    const label = pick(['Nightshift Records', 'Ω Audio', 'Kompakt-ish', '']);
    const fmt = weighted();
    const count = Math.min(opts.n - plans.length, 2 + Math.floor(rnd() * 5));
    const dir = path.join(sanitize(artist), `${year} - ${sanitize(album)} ${++albumNo}`);
    for (let k = 0; k < count; k++) {
      const title = `${pick(WORDS)} ${pick(WORDS)}${pick(MIXES)}`;
      const format = rnd() < 0.85 ? fmt : weighted();
      const tagged = rnd() > 0.06;
      const bpmTag = tagged && rnd() < 0.45;
      const keyRoll = rnd();
      const p = mk({
        path: path.join(dir, `${String(k + 1).padStart(2, '0')} - ${sanitize(title)}.${FORMATS[format]}`),
        format,
        tagged,
        tags: tagged
          ? { title, artist, album, albumartist: artist, date: String(year), tracknumber: k + 1, tracktotal: count, comment: `gen ${plans.length}`, ...(label ? { label } : {}) }
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
  // one of every format, so even a tiny library covers them all
  for (const format of ALL_FORMATS) {
    const title = `Format Probe ${format}`;
    mk({
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
  // untagged files named the way people name them: the scanner falls back to the file name
  for (const [name, fmt] of [
    ['_Unsorted/07 - Kenji Tanaka - Neon Pulse.mp3', 'mp3-cbr320'],
    ['_Unsorted/Priya_Haddad_-_Velvet_Drift.flac', 'flac'],
    ['_Unsorted/Untitled Sketch.wav', 'wav'],
  ] as const) {
    mk({ path: name, format: fmt, tagged: false, tags: null, tagBpm: null, tagKey: null, hasCover: false, edge: 'filename-fallback' });
  }

  // ---- synthesise, encode, tag
  const parallel = opts.parallel ?? Math.max(1, os.availableParallelism());
  const toTag: TagOp[] = [];
  await pool(plans, parallel, async (p) => {
    fs.mkdirSync(path.dirname(p.abs), { recursive: true });
    const pcm = synthesize({ seconds: p.seconds, bpm: p.bpm, tonic: p.tonic, mode: p.mode, seed: p.seed });
    await encode(p.format, pcm, path.join(work, `${p.seed}.wav`), p.abs);
    fs.rmSync(path.join(work, `${p.seed}.wav`), { force: true });
    if (p.tagged && p.tags) {
      toTag.push({
        path: p.abs,
        tags: { ...p.tags, bpm: p.tagBpm ?? undefined, key: p.tagKey ?? undefined },
        cover: p.hasCover ? covers[p.seed % covers.length] : null,
        id3: p.seed % 3 === 0 ? 'v24' : 'v23',
        id3v1: p.seed % 4 === 0,
      });
    }
  });
  for (let i = 0; i < toTag.length; i += 50) await writeTags(toTag.slice(i, i + 50));

  const truth: Truth = { generator: 'mismo-library server/testing/library/generate.ts', version: GENERATOR_VERSION, seed, tracks: [], specials: [], dupGroups: {} };
  const strip = ({ abs: _abs, seed: _seed, ...t }: Plan): TruthTrack => ({ ...t });
  // plans are added to the truth at the end, once copies have marked their originals
  const done = () => finish(out, truth, plans.map(strip));
  if (opts.edgeCases === false) return done();

  // ---- copies: exact, re-tagged (same audio), re-encoded (same music, other bytes)
  const originals = plans.filter((p) => p.tagged && !p.edge && !p.path.startsWith('_Formats'));
  let group = 0;
  const copy = (src: Plan, rel: string) => {
    fs.mkdirSync(path.dirname(path.join(lib, rel)), { recursive: true });
    fs.copyFileSync(src.abs, path.join(lib, rel));
  };
  const nDup = Math.max(2, Math.round(opts.n * 0.04));
  const retagOps: TagOp[] = [];
  for (let i = 0; i < nDup && i < originals.length; i++) {
    const src = originals[(i * 7) % originals.length]!;
    if (src.dupGroup) continue;
    src.dupGroup = `G${++group}`;
    src.copyKind = 'original';
    const rel = i % 2 === 0 ? path.join('_Duplicates', path.basename(src.path)) : path.join('Backup', 'Old Drive', src.path);
    copy(src, rel);
    truth.tracks.push({ ...strip(src), path: rel, copyKind: 'exact-copy' });
  }
  const retaggable = originals.filter((p) => !p.dupGroup);
  for (let i = 0; i < Math.max(3, Math.round(opts.n * 0.03)) && i < retaggable.length; i++) {
    const src = retaggable[(i * 5) % retaggable.length]!;
    if (src.dupGroup) continue;
    src.dupGroup = `G${++group}`;
    src.copyKind = 'original';
    const rel = path.join('_Retagged', `${i} - ${path.basename(src.path)}`);
    copy(src, rel);
    retagOps.push({
      path: path.join(lib, rel),
      tags: { title: `Retagged Ünïcode Title ${i}`, artist: 'Somebody Else ★', bpm: 999, comment: 'x'.repeat(3000) },
      cover: covers[(i + 1) % covers.length],
      id3: 'v24',
      id3v1: true,
      padding: 4096 + i * 1000,
    });
    truth.tracks.push({ ...strip(src), path: rel, copyKind: 'retag', tags: null, tagBpm: 999, tagKey: null, hasCover: true });
  }
  await writeTags(retagOps);
  const reencodeFrom = originals.filter((p) => !p.dupGroup).slice(0, Math.max(2, Math.round(opts.n * 0.02)));
  await pool(reencodeFrom, parallel, async (src) => {
    const format: FormatId = src.format.startsWith('mp3') ? 'ogg' : 'mp3-cbr320';
    const rel = path.join('_Reencoded', `${path.basename(src.path, path.extname(src.path))}.${FORMATS[format]}`);
    fs.mkdirSync(path.join(lib, '_Reencoded'), { recursive: true });
    const pcm = synthesize({ seconds: src.seconds, bpm: src.bpm, tonic: src.tonic, mode: src.mode, seed: src.seed });
    await encode(format, pcm, path.join(work, `re-${src.seed}.wav`), path.join(lib, rel));
    truth.tracks.push({
      ...strip(src),
      path: rel,
      format,
      lossless: LOSSLESS.includes(format),
      tagged: false,
      tags: null,
      tagBpm: null,
      tagKey: null,
      hasCover: false,
      reencodeOf: src.path,
      dupGroup: undefined,
      copyKind: undefined,
    });
  });

  // ---- broken files
  const extraGroupMembers: [string, string][] = [];
  const special = (s: TruthSpecial) => truth.specials.push(s);
  const firstOf = (prefix: string) => plans.find((p) => p.format.startsWith(prefix) && !p.dupGroup && !p.edge);
  fs.mkdirSync(path.join(lib, '_Broken'), { recursive: true });
  for (const [prefix, frac] of [
    ['mp3', 0.5],
    ['flac', 0.4],
    ['m4a-aac', 0.6],
    ['ogg', 0.3],
  ] as const) {
    const src = firstOf(prefix);
    if (!src) continue;
    const rel = path.join('_Broken', `truncated ${frac * 100}pct.${FORMATS[src.format]}`);
    const buf = fs.readFileSync(src.abs);
    fs.writeFileSync(path.join(lib, rel), buf.subarray(0, Math.floor(buf.length * frac)));
    special({ kind: 'truncated', path: rel, of: src.path, expect: 'broken' });
  }
  const mp3 = firstOf('mp3');
  if (mp3) {
    const buf = Buffer.from(fs.readFileSync(mp3.abs));
    buf.fill(0, Math.floor(buf.length * 0.4), Math.floor(buf.length * 0.4) + 16384);
    fs.writeFileSync(path.join(lib, '_Broken/zeroed middle.mp3'), buf);
    special({ kind: 'corrupt-middle', path: '_Broken/zeroed middle.mp3', of: mp3.path, expect: 'broken' });
    const b2 = Buffer.from(fs.readFileSync(mp3.abs));
    if (b2.toString('latin1', 0, 3) === 'ID3') {
      b2.writeUInt8(0x7f, 6);
      b2.writeUInt8(0x7f, 7);
      fs.writeFileSync(path.join(lib, '_Broken/bad id3 size.mp3'), b2);
      special({ kind: 'corrupt-header', path: '_Broken/bad id3 size.mp3', of: mp3.path, expect: 'broken' });
    }
  }
  const flacSrc = firstOf('flac');
  if (flacSrc) {
    fs.copyFileSync(flacSrc.abs, path.join(lib, '_Broken/actually flac.mp3'));
    special({
      kind: 'wrong-extension',
      path: '_Broken/actually flac.mp3',
      of: flacSrc.path,
      expect: 'track',
      note: 'FLAC content named .mp3: imported as FLAC, with a warning; same audio as its source, so a duplicate',
    });
    group += 1;
    flacSrc.dupGroup = `G${group}`;
    flacSrc.copyKind = 'original';
    extraGroupMembers.push([flacSrc.dupGroup, '_Broken/actually flac.mp3']);
  }
  const noise = Buffer.alloc(131072);
  for (let i = 0; i < noise.length; i++) noise[i] = Math.floor(rnd() * 256);
  fs.writeFileSync(path.join(lib, '_Broken/random noise.mp3'), noise);
  special({ kind: 'garbage', path: '_Broken/random noise.mp3', expect: 'broken' });
  fs.writeFileSync(path.join(lib, '_Broken/fake header.flac'), Buffer.concat([Buffer.from('fLaC'), noise.subarray(0, 8192)]));
  special({ kind: 'garbage', path: '_Broken/fake header.flac', expect: 'broken' });
  for (const z of ['_Broken/empty.mp3', '_Broken/empty.flac', '_Broken/empty.m4a']) {
    fs.writeFileSync(path.join(lib, z), '');
    special({ kind: 'zero-byte', path: z, expect: 'broken' });
  }

  // ---- non-audio, hidden and OS junk
  const albumDir = path.dirname(originals[0]!.path);
  const junk: [string, Buffer | string, string][] = [
    ['folder.jpg', fs.readFileSync(covers[0]!), 'non-audio'],
    ['info.txt', 'Ripped by the generator\n', 'non-audio'],
    ['album.cue', 'PERFORMER "x"\n', 'non-audio'],
    ['album.nfo', '== NFO ==\n', 'non-audio'],
    ['playlist.m3u8', '01 - x.mp3\n', 'non-audio'],
    ['Thumbs.db', noise.subarray(0, 4096), 'non-audio'],
    ['.DS_Store', noise.subarray(0, 6148), 'hidden-junk'],
    [`._${path.basename(originals[0]!.path)}`, Buffer.concat([Buffer.from([0, 5, 22, 7, 0, 2, 0, 0]), noise.subarray(0, 4088)]), 'hidden-junk'],
  ];
  for (const [name, data, kind] of junk) {
    fs.writeFileSync(path.join(lib, albumDir, name), data);
    special({ kind, path: path.join(albumDir, name), expect: 'ignored' });
  }
  for (const [rel, fmt] of [
    ['.hidden_folder/hidden track.mp3', 'mp3-cbr128'],
    ['_Edge/.dotfile track.flac', 'flac'],
  ] as const) {
    fs.mkdirSync(path.dirname(path.join(lib, rel)), { recursive: true });
    await encode(fmt, synthesize({ seconds: 2, bpm: 120, tonic: 0, mode: 'major', seed: 5 }), path.join(work, 'hidden.wav'), path.join(lib, rel));
    special({ kind: 'hidden', path: rel, expect: 'ignored' });
  }

  // ---- names: very long, deep, NFC/NFD twins (real, tagged audio)
  const edgeTracks: [string, string][] = [
    [path.join('_Edge', 'x'.repeat(120), `${'Very Long Title '.repeat(15)}`.slice(0, 240) + '.mp3'), 'long-name'],
    [path.join('_Edge', `${'長い曲名'.repeat(20)}.mp3`), 'long-cjk-name'],
    [path.join('_Edge', ...Array.from({ length: 30 }, (_, i) => `level${String(i).padStart(2, '0')}-${'d'.repeat(12)}`), 'deep.mp3'), 'deep-path'],
    [path.join('Café Nöir'.normalize('NFC'), '01 - Crème brûlée.mp3'.normalize('NFC')), 'nfc'],
    [path.join('Café Nöir'.normalize('NFD'), '01 - Crème brûlée.mp3'.normalize('NFD')), 'nfd'],
  ];
  const edgeOps: TagOp[] = [];
  for (const [rel, edge] of edgeTracks) {
    const p = mk({
      path: rel,
      format: 'mp3-cbr128',
      tagged: true,
      tags: { title: `Edge ${edge}`, artist: 'Café Nöir', album: 'Edges', genre: 'House' },
      tagBpm: null,
      tagKey: null,
      hasCover: false,
      edge,
      seconds: 2,
    });
    fs.mkdirSync(path.dirname(p.abs), { recursive: true });
    await encode('mp3-cbr128', synthesize({ seconds: p.seconds, bpm: p.bpm, tonic: p.tonic, mode: p.mode, seed: p.seed }), path.join(work, 'edge.wav'), p.abs);
    edgeOps.push({ path: p.abs, tags: p.tags!, id3: 'v24' });
  }
  await writeTags(edgeOps);

  // ---- symlinks: loops, a broken link, links to a file and to a folder (not followed by default)
  fs.mkdirSync(path.join(lib, '_Links'), { recursive: true });
  const link = (target: string, rel: string, kind: string, expect: TruthSpecial['expect'] = 'ignored') => {
    fs.symlinkSync(target, path.join(lib, rel));
    special({ kind, path: rel, expect });
  };
  link('..', '_Links/loop-to-parent', 'symlink-loop');
  link('.', '_Links/loop-to-self', 'symlink-loop');
  link('b', '_Links/a', 'symlink-loop');
  link('a', '_Links/b', 'symlink-loop');
  link('does-not-exist.mp3', '_Links/broken.mp3', 'symlink-broken');
  link(path.relative(path.join(lib, '_Links'), originals[0]!.abs), `_Links/favourite.${FORMATS[originals[0]!.format]}`, 'symlink-file');
  link(path.relative(path.join(lib, '_Links'), path.join(lib, albumDir)), '_Links/favourite album', 'symlink-dir');
  truth.specialGroups = extraGroupMembers;
  return done();
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
