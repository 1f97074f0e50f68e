/**
 * npm run bench:scan -- [--files N] [--library PATH] [--threads N] [--no-beets]
 *
 * One run, same files, warm page cache:
 *   - our full scan (worker pipeline: walk + analysis threads + chunked SQLite writes) files/s, MB/s
 *   - the raw pipeline: music-metadata parseFile + streaming XXH64 of each file, one process
 *   - beets `beet import -A -q` (Debian's beets, the importer DJs compare with) on a copy
 *   - an unchanged rescan vs a bare readdir + stat walk of the tree
 *   - peak RSS and main-loop lag p99 during the full scan
 * Without --library, a library of N files is made with the project's generator (a few hundred
 * synthesised tracks, then copies with one audio byte changed so every file has its own hash).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseFile } from 'music-metadata';
import xxhash from 'xxhash-wasm';
import { benchLibrary, listAudio } from './library';
import { median, printTable, type Row } from '@/server/bench/report';

const args = process.argv.slice(2);
const opt = (name: string) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const FILES = Number(opt('--files') ?? 2000);
const THREADS = Number(opt('--threads') ?? 0);
const BENCH = path.join(os.tmpdir(), 'mismo-bench');

const prepareLibrary = () => (opt('--library') ? Promise.resolve(path.resolve(opt('--library')!)) : benchLibrary(FILES, BENCH));

/** The bare walk every scanner has to do: readdir + stat of each entry. */
function bareWalk(dir: string): number {
  let n = 0;
  const stack = [dir];
  while (stack.length) {
    const d = stack.pop()!;
    for (const name of fs.readdirSync(d)) {
      const p = path.join(d, name);
      const st = fs.lstatSync(p);
      n++;
      if (st.isDirectory()) stack.push(p);
    }
  }
  return n;
}

async function rawPipeline(files: string[]) {
  const xx = await xxhash();
  const buf = Buffer.allocUnsafe(1 << 20);
  let bytes = 0;
  const t0 = performance.now();
  for (const f of files) {
    try {
      await parseFile(f);
    } catch {
      /* broken files count too */
    }
    const fd = fs.openSync(f, 'r');
    const h = xx.create64();
    for (;;) {
      const n = fs.readSync(fd, buf, 0, buf.length, null);
      if (n <= 0) break;
      h.update(n === buf.length ? buf : buf.subarray(0, n));
      bytes += n;
    }
    h.digest();
    fs.closeSync(fd);
  }
  return { seconds: (performance.now() - t0) / 1000, bytes };
}

function beets(lib: string): { seconds: number; items: number } | null {
  if (spawnSync('sh', ['-c', 'command -v beet'], { stdio: 'ignore' }).status !== 0) return null;
  const work = fs.mkdtempSync(path.join(BENCH, 'beets-'));
  const copy = path.join(work, 'library');
  // a copy, so nothing beets might do touches ours; hard links keep it cheap for big libraries
  console.error('copying the library for beets…');
  execFileSync('cp', ['-al', lib, copy]);
  const config = path.join(work, 'config.yaml');
  fs.writeFileSync(
    config,
    `directory: ${work}/out\nlibrary: ${work}/beets.db\nimport:\n  copy: no\n  move: no\n  write: no\n  autotag: no\n  log: ${work}/import.log\nignore: [".*", "_Links", "loop up two", "*.txt", "*.jpg"]\nplugins: []\n`,
  );
  const t0 = performance.now();
  const r = spawnSync('beet', ['-c', config, 'import', '-A', '-q', copy], { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, BEETSDIR: work }, timeout: 30 * 60_000 });
  const seconds = (performance.now() - t0) / 1000;
  if (r.status !== 0) console.error(`beets exited with ${r.status}: ${String(r.stderr).slice(0, 400)}`);
  const stats = execFileSync('beet', ['-c', config, 'stats'], { env: { ...process.env, BEETSDIR: work } }).toString();
  const items = Number(/Tracks:\s*(\d+)/.exec(stats)?.[1] ?? 0);
  fs.rmSync(work, { recursive: true, force: true });
  return { seconds, items };
}

async function main() {
  fs.mkdirSync(BENCH, { recursive: true });
  const lib = await prepareLibrary();
  const files = listAudio(lib);
  const totalBytes = files.reduce((s, f) => s + fs.statSync(f).size, 0);
  console.error(`library: ${files.length} audio files, ${(totalBytes / 1e6).toFixed(0)} MB at ${lib}`);
  // warm the page cache so every contender reads from memory (as the baseline's "warm" rows)
  for (const f of files) fs.readFileSync(f);

  const walks = [0, 1, 2].map(() => {
    const t0 = performance.now();
    bareWalk(lib);
    return (performance.now() - t0) / 1000;
  });
  const walkS = median(walks);

  console.error('raw pipeline (music-metadata + xxhash, one process)…');
  const raw = await rawPipeline(files);

  console.error('our full scan, then unchanged rescans (in a worker-like child process)…');
  const work = fs.mkdtempSync(path.join(BENCH, 'scan-'));
  const child = spawnSync(process.execPath, ['--import', 'tsx', 'worker/bench/scan-child.ts', lib, work, String(THREADS)], { encoding: 'utf8', maxBuffer: 1 << 24 });
  fs.rmSync(work, { recursive: true, force: true });
  if (child.status !== 0) throw new Error(`scan child failed: ${child.stderr}`);
  const c = JSON.parse(child.stdout.trim().split('\n').pop()!) as {
    fullMs: number;
    found: number;
    broken: number;
    rescanMs: number[];
    reread: number;
    lagP99Ms: number;
    lagMaxMs: number;
    peakRssMb: number;
  };
  const fullS = c.fullMs / 1000;
  const rescanS = median(c.rescanMs) / 1000;
  const full = { stats: { found: c.found, broken: c.broken } };
  const peakRss = c.peakRssMb * 1e6;
  const lagP99 = c.lagP99Ms;
  const lagMax = c.lagMaxMs;
  if (c.reread) console.error(`warning: unchanged rescans re-read ${c.reread} files`);

  const b = args.includes('--no-beets') ? null : beets(lib);

  const fps = (n: number, s: number) => n / s;
  const ours = fps(full.stats.found, fullS);
  const rawFps = fps(files.length, raw.seconds);
  const rows: Row[] = [
    [
      'full scan (ours)',
      `${ours.toFixed(0)} files/s, ${(totalBytes / 1e6 / fullS).toFixed(0)} MB/s`,
      `${fullS.toFixed(2)} s for ${full.stats.found} files, ${full.stats.broken} broken`,
    ],
    ['raw pipeline (mm + xxhash, 1 process)', `${rawFps.toFixed(0)} files/s, ${(raw.bytes / 1e6 / raw.seconds).toFixed(0)} MB/s`, `${raw.seconds.toFixed(2)} s`],
    ['beets import -A -q', b ? `${fps(b.items, b.seconds).toFixed(0)} files/s` : 'not installed', b ? `${b.seconds.toFixed(2)} s for ${b.items} items` : ''],
    ['bare walk (readdir + lstat)', `${(walkS * 1000).toFixed(1)} ms`, `median of 3`],
    ['unchanged rescan (ours)', `${(rescanS * 1000).toFixed(1)} ms`, `median of 3, nothing re-read`],
    ['worker peak RSS (VmHWM)', `${(peakRss / 1e6).toFixed(0)} MB`, `scan process incl. ${THREADS || 'one per core'} analysis threads + walk thread`],
    ['main-loop lag during the full scan', `p99 ${lagP99.toFixed(1)} ms`, `max ${lagMax.toFixed(1)} ms`],
  ];
  printTable(`bench:scan — ${files.length} files, ${(totalBytes / 1e6).toFixed(0)} MB, ${os.availableParallelism()} cores`, rows);
  const checks: [string, number, string, boolean][] = [
    ['full scan / beets', b ? ours / fps(b.items, b.seconds) : NaN, '≥ 3', b ? ours / fps(b.items, b.seconds) >= 3 : false],
    ['full scan / raw pipeline', ours / rawFps, '≥ 1.3', ours / rawFps >= 1.3],
    ['unchanged rescan / bare walk', rescanS / walkS, '≤ 3', rescanS / walkS <= 3],
    ['peak RSS (MB)', peakRss / 1e6, `< 400`, peakRss / 1e6 < 400],
    ['main-loop lag p99 (ms)', lagP99, '< 20', lagP99 < 20],
  ];
  printTable(
    'targets',
    checks.map(([k, v, target, ok]) => [k, Number.isNaN(v) ? 'n/a' : v.toFixed(2), `${target} ${ok ? 'PASS' : 'FAIL'}`]),
  );
  console.log(
    JSON.stringify({
      files: files.length,
      bytes: totalBytes,
      oursFps: ours,
      rawFps,
      beetsFps: b ? fps(b.items, b.seconds) : null,
      walkMs: walkS * 1000,
      rescanMs: rescanS * 1000,
      peakRssMb: peakRss / 1e6,
      lagP99Ms: lagP99,
    }),
  );
}

void main();
