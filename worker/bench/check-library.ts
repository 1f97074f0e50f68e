/**
 * npm run check:library -- LIBRARY_DIR [TRUTH_JSON]
 *
 * Scans a generated library with the real pipeline (worker threads, temp database) and compares
 * the result with its truth.json: every audio file found once, junk ignored, duplicate groups,
 * broken files, tag BPM/key. Understands the truth of this project's generator and of the team's
 * shared generator (bench/gen-library.sh), so the two can be checked against each other.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createAppContext } from '@/server/context';
import { systemClock } from '@/server/clock';
import { openDatabase } from '@/server/db/client';
import { runMigrations } from '@/server/db/migrate';
import { makeTestEnv } from '@/server/env';
import { silentLogger } from '@/server/log';
import { parseKey } from '@/server/music/keys';
import { addFolder, allTracks, runQueuedScan } from '@/server/scan/testing';
import { createThreadedScanner } from '../scan/threaded-scanner';

interface AnyTruth {
  tracks: { path: string; tagBpm?: number | null; tagKey?: string | null; tonic?: number; mode?: string }[];
  specials: { kind: string; path: string; expect?: string; of?: string }[];
  dupGroups: Record<string, string[] | { path: string; kind: string }[]>;
}

const [libArg, truthArg] = process.argv.slice(2);
if (!libArg) {
  console.error('usage: check-library.ts LIBRARY_DIR [TRUTH_JSON]');
  process.exit(2);
}
const lib = path.resolve(libArg);
const truth = JSON.parse(fs.readFileSync(truthArg ?? path.join(lib, '..', 'truth.json'), 'utf8')) as AnyTruth;

// kinds the shared generator uses; what a scanner should make of each
const BROKEN = new Set(['truncated', 'corrupt-middle', 'corrupt-header', 'garbage', 'zero-byte']);
const TRACK = new Set(['wrong-extension']);
const expectOf = (s: { kind: string; expect?: string }) => s.expect ?? (BROKEN.has(s.kind) ? 'broken' : TRACK.has(s.kind) ? 'track' : 'ignored');

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'mismo-check-'));
const env = makeTestEnv({ DATA_DIR: path.join(work, 'data') });
const db = openDatabase(env.db.path);
runMigrations(db.$client);
const scanner = createThreadedScanner({ log: silentLogger });
const ctx = createAppContext({ env, db, log: silentLogger, clock: systemClock, processKind: 'worker', ports: { scanner } });
const { scanId } = await addFolder(ctx, lib);
const t0 = performance.now();
const result = await runQueuedScan(ctx, scanId, { scanner });
await scanner.close();
const rows = allTracks(ctx);
const byPath = new Map(rows.map((r) => [r.relPath, r]));
const problems: string[] = [];

// hidden files and folders are not part of a library (the shared truth lists two as tracks)
const hidden = (p: string) => p.split('/').some((seg) => seg.startsWith('.'));
const expected = new Set([...truth.tracks.map((t) => t.path).filter((p) => !hidden(p)), ...truth.specials.filter((s) => expectOf(s) !== 'ignored').map((s) => s.path)]);
for (const p of expected) if (!byPath.has(p)) problems.push(`not found: ${p}`);
for (const p of byPath.keys()) if (!expected.has(p)) problems.push(`found but not expected: ${p}`);

// a special that is byte-identical to its source is a plain copy whatever its label says (the
// shared generator leaves "bad id3 size.mp3" unchanged when the source has no ID3 tag)
const identicalToSource = (s: { path: string; of?: string }) => {
  if (!s.of) return false;
  try {
    return fs.readFileSync(path.join(lib, s.path)).equals(fs.readFileSync(path.join(lib, s.of)));
  } catch {
    return false;
  }
};
const copies = truth.specials.filter((s): s is { kind: string; path: string; of: string } => s.kind !== 'exact-copy' && s.kind !== 'retag' && identicalToSource(s));
for (const s of copies) console.log(`note: ${s.path} (${s.kind}) is a byte-identical copy of ${s.of}: expected as a playable duplicate`);

for (const s of truth.specials) {
  if (copies.some((c) => c.path === s.path)) continue;
  const row = byPath.get(s.path);
  if (expectOf(s) === 'broken' && row && !row.isBroken) problems.push(`not flagged broken (${s.kind}): ${s.path}`);
  if (expectOf(s) === 'track' && row?.isBroken) problems.push(`flagged broken but playable (${s.kind}): ${s.path} — ${row.brokenReason}`);
}
for (const t of truth.tracks) if (byPath.get(t.path)?.isBroken === true) problems.push(`good file flagged broken: ${t.path} — ${byPath.get(t.path)!.brokenReason}`);

// duplicate groups: the truth lists same-audio copies (and, in the shared truth, re-encodes, which are different audio)
const groupsFound = new Map<number, string[]>();
for (const r of rows) if (r.duplicateGroupId) (groupsFound.get(r.duplicateGroupId) ?? groupsFound.set(r.duplicateGroupId, []).get(r.duplicateGroupId)!).push(r.relPath);
const norm = (g: string[]) => JSON.stringify([...g].sort());
const expectedGroups = Object.values(truth.dupGroups)
  .map((g) => g.map((x) => (typeof x === 'string' ? { path: x, kind: 'copy' } : x)).filter((x) => x.kind !== 'reencode'))
  .map((g) => g.map((x) => x.path))
  .filter((g) => g.length > 1);
for (const c of copies) {
  const g = expectedGroups.find((x) => x.includes(c.of));
  if (g) g.push(c.path);
  else expectedGroups.push([c.of, c.path]);
}
const found = new Set([...groupsFound.values()].map(norm));
for (const g of expectedGroups) if (!found.has(norm(g))) problems.push(`duplicate group missed: ${g.join(' | ')}`);
const wanted = new Set(expectedGroups.map(norm));
const extra = [...groupsFound.values()].filter((g) => !wanted.has(norm(g)));
for (const g of extra) problems.push(`duplicate group not in the truth: ${g.join(' | ')}`);

let bpmOk = 0;
let bpmTotal = 0;
let keyOk = 0;
let keyTotal = 0;
for (const t of truth.tracks) {
  const row = byPath.get(t.path);
  if (!row) continue;
  if (t.tagBpm !== undefined && t.tagBpm !== null && t.tagBpm >= 30 && t.tagBpm <= 300) {
    bpmTotal++;
    if (row.tagBpm === t.tagBpm) bpmOk++;
    else problems.push(`tag BPM ${row.tagBpm} instead of ${t.tagBpm}: ${t.path}`);
  }
  if (t.tagKey) {
    keyTotal++;
    const k = parseKey(t.tagKey);
    if (k !== null && row.tagKeyPitch === k.pitch && row.tagKeyMode === k.mode) keyOk++;
    else problems.push(`tag key ${row.tagKey} read as ${row.tagKeyPitch}/${row.tagKeyMode}, truth says ${t.tagKey}: ${t.path}`);
  }
}

console.log(`scanned ${rows.length} files in ${((performance.now() - t0) / 1000).toFixed(1)} s: ${result.stats.broken} broken, ${groupsFound.size} duplicate groups`);
console.log(`expected ${expected.size} files, ${expectedGroups.length} same-audio groups; tag BPM ${bpmOk}/${bpmTotal}, tag key ${keyOk}/${keyTotal}`);
console.log(problems.length ? `${problems.length} differences:\n  ${problems.join('\n  ')}` : 'matches the truth');
db.$client.close();
fs.rmSync(work, { recursive: true, force: true });
process.exit(problems.length ? 1 : 0);
