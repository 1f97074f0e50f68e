/**
 * npm run bench:analyzer -- [--per-style N] [--seconds S] [--synthetic N] [--long N] [--dir PATH] [--no-anchors]
 *
 * The built-in analyzer on labelled libraries from the project's own generators, against Debian's
 * `bpm` (bpm-tools) and `aubiotrack` (aubio-tools) run on the same files in the same run (installed
 * here when missing; measured as separate processes, never linked):
 *  - "synthetic": the test-library synthesiser (four on the floor, bass and pads), tempos 70–180;
 *  - one set per style of `server/testing/library/styles.ts`: half-time, broken beats, swing,
 *    syncopation, plucked instruments with drift, dense harmony, detuned tracks, silent intros,
 *    beatless ambient (where "no tempo" is the right answer);
 *  - a few full-length tracks for speed and memory.
 * BPM Acc1 (within 4 %) and Acc2 (also ×2, ×½, ×3, ×⅓), key exact and MIREX score, beat F-measure
 * (±70 ms), speed in × realtime per thread including decode, peak RSS of the analysis thread.
 */
import { execFile, execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { encode, type FormatId } from '@/server/testing/library/encode';
import { STYLES, synthesizeStyle } from '@/server/testing/library/styles';
import { prng, synthesize } from '@/server/testing/library/synth';
import { BuiltinAnalyzer } from '../analysis/builtin';
import { median, printTable, type Row } from '@/server/bench/report';

const run = promisify(execFile);
const args = process.argv.slice(2);
const opt = (name: string, fallback: number) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const PER_STYLE = opt('per-style', 6);
const SECONDS = opt('seconds', 60);
const SYNTHETIC = opt('synthetic', 20);
const LONG = opt('long', 2);
/** One file this many hours long (0: none): memory must stay bounded, and nothing may hang. */
const HOURS = opt('hours', 2);
const dirArg = args.indexOf('--dir');
const DIR = dirArg >= 0 ? args[dirArg + 1]! : path.join(os.tmpdir(), 'mismo-bench-analyzer');
const ANCHORS = !args.includes('--no-anchors');
const SET_VERSION = 1;

interface Item {
  file: string;
  set: string;
  bpm: number | null;
  beats: number[];
  tonic: number;
  mode: 'major' | 'minor';
  seconds: number;
}

const FORMATS: FormatId[] = ['mp3-cbr320', 'flac', 'm4a-aac', 'mp3-v0'];

async function generate(): Promise<Item[]> {
  const truthFile = path.join(DIR, 'truth.json');
  const key = JSON.stringify({ SET_VERSION, PER_STYLE, SECONDS, SYNTHETIC, LONG });
  if (fs.existsSync(truthFile)) {
    const t = JSON.parse(fs.readFileSync(truthFile, 'utf8')) as { key: string; items: Item[] };
    if (t.key === key && t.items.every((i) => fs.existsSync(i.file))) return t.items;
  }
  fs.rmSync(DIR, { recursive: true, force: true });
  fs.mkdirSync(DIR, { recursive: true });
  const items: Item[] = [];
  const t0 = Date.now();
  const wav = path.join(DIR, 'tmp.wav');
  let n = 0;
  const write = async (pcm: Int16Array, item: Omit<Item, 'file'>) => {
    const format = FORMATS[n % FORMATS.length]!;
    const ext = format.startsWith('mp3') ? 'mp3' : format === 'flac' ? 'flac' : 'm4a';
    const file = path.join(DIR, `${String(n++).padStart(3, '0')}-${item.set}.${ext}`);
    await encode(format, pcm, wav, file);
    items.push({ file, ...item });
  };
  const rnd = prng(42);
  for (let i = 0; i < SYNTHETIC; i++) {
    const bpm = Math.round((70 + rnd() * 110) * 2) / 2;
    const tonic = Math.floor(rnd() * 12);
    const mode = rnd() < 0.3 ? 'major' : 'minor';
    const pcm = synthesize({ seconds: SECONDS, bpm, tonic, mode, seed: 100 + i });
    const beats: number[] = [];
    for (let t = 0; t < SECONDS; t += 60 / bpm) beats.push(t);
    await write(pcm, { set: 'synthetic', bpm, beats, tonic, mode, seconds: SECONDS });
  }
  for (const style of STYLES)
    for (let i = 0; i < PER_STYLE; i++) {
      const { pcm, truth } = synthesizeStyle({ style, seconds: SECONDS, seed: 1000 + i * 31 + STYLES.indexOf(style) });
      await write(pcm, { set: style, bpm: truth.bpm, beats: truth.beats, tonic: truth.tonic, mode: truth.mode, seconds: SECONDS });
    }
  for (let i = 0; i < LONG; i++) {
    const bpm = [126, 174][i % 2]!;
    const pcm = synthesize({ seconds: 360, bpm, tonic: 9, mode: 'minor', seed: 7 + i });
    const beats: number[] = [];
    for (let t = 0; t < 360; t += 60 / bpm) beats.push(t);
    await write(pcm, { set: 'long (6 min)', bpm, beats, tonic: 9, mode: 'minor', seconds: 360 });
  }
  fs.rmSync(wav, { force: true });
  fs.writeFileSync(truthFile, JSON.stringify({ key, items }));
  console.log(`generated ${items.length} files in ${((Date.now() - t0) / 1000).toFixed(0)} s → ${DIR}`);
  return items;
}

interface Estimate {
  bpm: number | null;
  beats?: number[];
  key?: { pitch: number; mode: number } | null;
  seconds: number;
}

const acc1 = (est: number | null, truth: number) => est !== null && Math.abs(est - truth) / truth <= 0.04;
const acc2 = (est: number | null, truth: number) => est !== null && [1, 2, 0.5, 3, 1 / 3].some((m) => acc1(est, truth * m));

/** MIREX: same 1, fifth (either way, same mode) 0.5, relative 0.3, parallel 0.2. */
function mirex(est: { pitch: number; mode: number } | null | undefined, tonic: number, mode: number): number {
  if (!est) return 0;
  if (est.pitch === tonic && est.mode === mode) return 1;
  if (est.mode === mode && (est.pitch === (tonic + 7) % 12 || est.pitch === (tonic + 5) % 12)) return 0.5;
  if (mode === 0 && est.mode === 1 && est.pitch === (tonic + 3) % 12) return 0.3;
  if (mode === 1 && est.mode === 0 && est.pitch === (tonic + 9) % 12) return 0.3;
  if (est.pitch === tonic) return 0.2;
  return 0;
}

/** Beat F-measure with a ±70 ms window, each reference beat matched at most once. */
function fMeasure(est: number[], ref: number[]): number {
  if (!est.length || !ref.length) return 0;
  let hits = 0;
  let j = 0;
  const used = new Set<number>();
  for (const e of est) {
    while (j < ref.length && ref[j]! < e - 0.07) j++;
    for (let k = j; k < ref.length && ref[k]! <= e + 0.07; k++)
      if (!used.has(k)) {
        used.add(k);
        hits++;
        break;
      }
  }
  const p = hits / est.length;
  const r = hits / ref.length;
  return p + r > 0 ? (2 * p * r) / (p + r) : 0;
}

async function ensureAnchors() {
  const need: string[] = [];
  for (const [cmd, pkg] of [
    ['bpm', 'bpm-tools'],
    ['aubiotrack', 'aubio-tools'],
  ] as const)
    try {
      execFileSync('which', [cmd], { stdio: 'ignore' });
    } catch {
      need.push(pkg);
    }
  if (!need.length) return true;
  if (process.getuid?.() !== 0) {
    console.log(`anchors skipped: install ${need.join(' ')} (apt-get) to compare`);
    return false;
  }
  console.log(`installing ${need.join(' ')} for the comparison…`);
  await run('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...need]).catch(async () => {
    await run('apt-get', ['update', '-qq']);
    await run('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...need]);
  });
  return true;
}

async function bpmTools(file: string): Promise<Estimate> {
  const t0 = performance.now();
  const out = await new Promise<string>((resolve) => {
    const ff = spawn('ffmpeg', ['-v', 'error', '-i', file, '-ac', '1', '-ar', '44100', '-f', 'f32le', 'pipe:1'], { stdio: ['ignore', 'pipe', 'ignore'] });
    const b = spawn('bpm', ['-m', '70', '-x', '180', '-f', '%0.2f'], { stdio: ['pipe', 'pipe', 'ignore'] });
    ff.stdout.pipe(b.stdin);
    let text = '';
    b.stdout.on('data', (c: Buffer) => (text += c.toString()));
    b.on('close', () => resolve(text));
  });
  const bpm = Number(out.trim());
  return { bpm: Number.isFinite(bpm) && bpm > 0 ? bpm : null, seconds: (performance.now() - t0) / 1000 };
}

async function aubio(file: string): Promise<Estimate> {
  const t0 = performance.now();
  const { stdout } = await run('aubiotrack', ['-i', file], { maxBuffer: 64 * 1024 * 1024 }).catch(() => ({ stdout: '' }));
  const beats = stdout
    .split('\n')
    .map(Number)
    .filter((x) => Number.isFinite(x) && x > 0);
  const ibis = beats.slice(1).map((t, i) => t - beats[i]!);
  return { bpm: ibis.length > 4 ? 60 / median(ibis) : null, beats, seconds: (performance.now() - t0) / 1000 };
}

type Peers = Map<string, { bpm: Estimate; aubio: Estimate }>;

async function main() {
  const items = await generate();
  const anchors = ANCHORS && (await ensureAnchors());
  const run = await runOurs(items);
  const peers: Peers = new Map();
  if (anchors) for (const it of items) peers.set(it.file, { bpm: await bpmTools(it.file), aubio: await aubio(it.file) });
  printTable(`Accuracy (${items.length} files, ${(run.audio / 60).toFixed(0)} min of audio)`, accuracyRows(items, run.ours, anchors ? peers : null));
  printTable('Speed and memory', await speedRows(items, run, anchors ? peers : null));
}

/** Our analyzer on every file, one thread: estimates, time, and peak RSS above the idle process. */
async function runOurs(items: Item[]) {
  const analyzer = new BuiltinAnalyzer({ threads: 1, trackTimeoutMs: 120_000, bpmRange: () => ({ minBpm: 70, maxBpm: 180 }) });
  const rssBefore = process.memoryUsage().rss;
  let rssPeak = rssBefore;
  const sampler = setInterval(() => (rssPeak = Math.max(rssPeak, process.memoryUsage().rss)), 20);
  const ours = new Map<string, Estimate>();
  let audio = 0;
  let busy = 0;
  for (const it of items) {
    const t0 = performance.now();
    const r = await analyzer.analyze(it.file);
    const seconds = (performance.now() - t0) / 1000;
    const b = r.stages.basic_features as { tempo?: number; beats: number[]; key?: number; mode?: number };
    ours.set(it.file, { bpm: b.tempo ?? null, beats: b.beats, key: b.key !== undefined ? { pitch: b.key, mode: b.mode! } : null, seconds });
    audio += r.duration;
    busy += seconds;
  }
  clearInterval(sampler);
  await analyzer.stop();
  return { ours, audio, busy, rssBefore, rssPeak };
}

const pct = (x: number) => `${(x * 100).toFixed(0)} %`;

/** Per set: BPM Acc1/Acc2 (ours, bpm-tools, aubio), key exact and MIREX, beat F-measure; and all sets with a beat but the long ones. */
function accuracyRows(items: Item[], ours: Map<string, Estimate>, peers: Peers | null): Row[] {
  const rows: Row[] = [['set (tracks)', 'BPM Acc1 / Acc2: ours · bpm-tools · aubio', 'key exact / MIREX · beat F ours / aubio']];
  const keys = ['a1', 'a2', 'b1', 'b2', 'u1', 'u2', 'kx', 'km', 'f', 'fa'] as const;
  const total = Object.fromEntries(keys.map((k) => [k, 0])) as Record<(typeof keys)[number], number>;
  let n = 0;
  const o = (i: Item) => ours.get(i.file)!;
  const key = (i: Item) => mirex(o(i).key, i.tonic, i.mode === 'major' ? 1 : 0);
  for (const set of [...new Set(items.map((i) => i.set))]) {
    const xs = items.filter((i) => i.set === set);
    if (xs[0]!.bpm === null) {
      const none = xs.filter((i) => o(i).bpm === null).length;
      const peerFake = peers ? xs.filter((i) => peers.get(i.file)!.bpm.bpm !== null).length : NaN;
      const text = `"no tempo": ours ${none}/${xs.length} · bpm-tools gave a BPM for ${peerFake}/${xs.length}`;
      rows.push([`${set} (${xs.length}, beatless)`, text, `key ${pct(xs.filter((i) => key(i) === 1).length / xs.length)}`]);
      continue;
    }
    const m = (f: (i: Item) => number) => xs.reduce((s, i) => s + f(i), 0) / xs.length;
    const p = (i: Item) => peers!.get(i.file)!;
    const v = {
      a1: m((i) => +acc1(o(i).bpm, i.bpm!)),
      a2: m((i) => +acc2(o(i).bpm, i.bpm!)),
      b1: peers ? m((i) => +acc1(p(i).bpm.bpm, i.bpm!)) : NaN,
      b2: peers ? m((i) => +acc2(p(i).bpm.bpm, i.bpm!)) : NaN,
      u1: peers ? m((i) => +acc1(p(i).aubio.bpm, i.bpm!)) : NaN,
      u2: peers ? m((i) => +acc2(p(i).aubio.bpm, i.bpm!)) : NaN,
      kx: m((i) => +(key(i) === 1)),
      km: m(key),
      f: m((i) => fMeasure(o(i).beats ?? [], i.beats)),
      fa: peers ? m((i) => fMeasure(p(i).aubio.beats ?? [], i.beats)) : NaN,
    };
    rows.push([`${set} (${xs.length})`, ...accuracyCells(v)]);
    if (set !== 'long (6 min)') {
      n += xs.length;
      for (const k of keys) total[k] += v[k] * xs.length;
    }
  }
  const mean = Object.fromEntries(keys.map((k) => [k, total[k] / n])) as typeof total;
  rows.push([`all with a beat (${n})`, ...accuracyCells(mean)]);
  return rows;
}

function accuracyCells(v: Record<'a1' | 'a2' | 'b1' | 'b2' | 'u1' | 'u2' | 'kx' | 'km' | 'f' | 'fa', number>): [string, string] {
  return [`${pct(v.a1)} / ${pct(v.a2)} · ${pct(v.b1)} / ${pct(v.b2)} · ${pct(v.u1)} / ${pct(v.u2)}`, `${pct(v.kx)} / ${v.km.toFixed(2)} · ${v.f.toFixed(2)} / ${v.fa.toFixed(2)}`];
}

/** Speed as × realtime (ours on all files and on 6-minute tracks; the peers), and memory. */
async function speedRows(items: Item[], run: Awaited<ReturnType<typeof runOurs>>, peers: Peers | null): Promise<Row[]> {
  const { ours, audio, busy, rssBefore, rssPeak } = run;
  const speed = (xs: Item[], of: (i: Item) => Estimate) => xs.reduce((a, i) => a + i.seconds, 0) / xs.reduce((a, i) => a + of(i).seconds, 0);
  const longs = items.filter((i) => i.set === 'long (6 min)');
  const sp: Row[] = [['what', 'speed (× realtime, decode included)', 'notes']];
  sp.push(['ours, all files, 1 thread', `${(audio / busy).toFixed(0)}×`, `${items.length} files, ${(busy / items.length).toFixed(2)} s per file`]);
  if (longs.length) {
    const perTrack = median(longs.map((i) => ours.get(i.file)!.seconds));
    sp.push(['ours, 6-minute tracks', `${speed(longs, (i) => ours.get(i.file)!).toFixed(0)}×`, `${perTrack.toFixed(2)} s per track (target < 2.4 s)`]);
  }
  if (peers) {
    sp.push(['bpm-tools (ffmpeg → bpm)', `${speed(items, (i) => peers.get(i.file)!.bpm).toFixed(0)}×`, 'tempo only']);
    sp.push(['aubiotrack', `${speed(items, (i) => peers.get(i.file)!.aubio).toFixed(0)}×`, 'beats only']);
  }
  const above = `${((rssPeak - rssBefore) / 1e6).toFixed(0)} MB above the idle process`;
  sp.push(['peak RSS, analysis thread', above, `process peak ${(rssPeak / 1e6).toFixed(0)} MB (target < 150 MB per thread)`]);
  if (HOURS > 0) sp.push(await veryLong());
  return sp;
}

/** One file of HOURS hours (a kick at 125 BPM, made by ffmpeg): time and memory above the idle process. */
async function veryLong(): Promise<Row> {
  const file = path.join(DIR, `${HOURS}h.mp3`);
  if (!fs.existsSync(file)) {
    console.log(`making a ${HOURS}-hour file…`);
    const tmp = `${file}.tmp.mp3`;
    await run('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i', `aevalsrc=0.6*sin(2*PI*60*t)*exp(-18*mod(t\\,0.48)):s=22050:d=${HOURS * 3600}`, '-b:a', '64k', tmp]);
    fs.renameSync(tmp, file);
  }
  const long = new BuiltinAnalyzer({ threads: 1, trackTimeoutMs: 3_600_000, bpmRange: () => ({ minBpm: 70, maxBpm: 180 }) });
  const before = process.memoryUsage().rss;
  let peak = before;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
  const t0 = performance.now();
  const r = await long.analyze(file);
  const secs = (performance.now() - t0) / 1000;
  clearInterval(sampler);
  await long.stop();
  const b = r.stages.basic_features as { tempo?: number };
  return [
    `one ${HOURS}-hour file`,
    `${(r.duration / secs).toFixed(0)}× (${secs.toFixed(1)} s)`,
    `BPM ${b.tempo ?? 'none'} (truth 125) · ${((peak - before) / 1e6).toFixed(0)} MB above the idle process`,
  ];
}

await main();
