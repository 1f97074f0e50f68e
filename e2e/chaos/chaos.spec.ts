import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { test, expect } from '../support/fixtures';
import { fixtureLibrary } from '../../server/testing/library/generate';
import { createMismoClient } from '../../server/trpc/client';

/**
 * The chaos run: the real web and worker on a generated library in three folders (one on another
 * filesystem, one that is unplugged and plugged back), and a seeded random schedule of everything
 * that happens at once in a DJ's week — files copied in slowly, renamed, moved between folders and
 * deleted by hand; journaled moves, renames and trash from the API; rescans of every strategy;
 * duplicate resolutions and undos; backups; playlist and cue edits; the worker SIGKILLed at random
 * moments and the web restarted. After every round the library is brought to rest and checked
 * against the disk (see `check`). `CHAOS_ROUNDS` (default 200) and `CHAOS_SEED` (printed; a failing
 * seed replays the same schedule).
 */
const ROUNDS = Number(process.env.CHAOS_ROUNDS ?? 200);
const SEED = Number(process.env.CHAOS_SEED ?? Math.floor(Math.random() * 2 ** 31));
const AUDIO = /\.(mp3|flac|m4a|ogg|opus|wav|aiff?|wma|wv|aac)$/i;

test.setTimeout(10 * 60_000 + ROUNDS * 90_000);

/** mulberry32: small, fast, and the same sequence for the same seed everywhere. */
function prng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (n: number) => Math.floor(next() * n),
    pick: <T>(xs: T[]): T => xs[Math.floor(next() * xs.length)]!,
    chance: (p: number) => next() < p,
  };
}

interface Folder {
  key: 'A' | 'B' | 'C';
  id: string;
  root: string;
}

const sha = (file: string) => crypto.createHash('sha1').update(fs.readFileSync(file)).digest('hex');

/** Every file under a folder (hidden ones and the trash included), relative paths. */
function walk(root: string): string[] {
  if (!fs.existsSync(root)) return [];
  return (fs.readdirSync(root, { recursive: true }) as string[]).filter((rel) => fs.lstatSync(path.join(root, rel)).isFile());
}
/** The music files a scan would see: no hidden folder (the trash) and no hidden name. */
const visibleAudio = (root: string) => walk(root).filter((rel) => AUDIO.test(rel) && !rel.split('/').some((part) => part.startsWith('.')));

class Stats {
  readonly counts = new Map<string, number>();
  kills = 0;
  webRestarts = 0;
  worstHeartbeatGapMs = 0;
  /** The worker's own watchdog: the longest main-loop stall, at start-up (first 10 s) and after. */
  worstStartupStallMs = 0;
  worstStallMs = 0;
  analysed = 0;
  analysisFailed = 0;
  add(kind: string) {
    this.counts.set(kind, (this.counts.get(kind) ?? 0) + 1);
  }
}

test('chaos: everything at once, and nothing lost', async ({ stack }) => {
  console.log(`chaos: seed ${SEED}, ${ROUNDS} rounds (replay: CHAOS_SEED=${SEED} CHAOS_ROUNDS=${ROUNDS} npm run test:chaos)`);
  const rnd = prng(SEED);
  const stats = new Stats();
  const client = () => createMismoClient({ url: stack.url });
  const lib = await fixtureLibrary({ n: 160, seed: 77, edgeCases: false, seconds: [2, 3] });
  const files = visibleAudio(lib.root).sort();

  // three folders: A on the temp disk, B on a tmpfs when there is one (another filesystem: moves
  // between them copy, verify and delete), C a "stick" that is unplugged and plugged back in
  const shm = fs.existsSync('/dev/shm') && fs.statSync('/dev/shm').dev !== fs.statSync(stack.tmp).dev ? fs.mkdtempSync('/dev/shm/mismo-chaos-') : stack.tmp;
  const roots = { A: path.join(stack.tmp, 'Music'), B: path.join(shm, 'Crate'), C: path.join(stack.tmp, 'Stick') };
  const incoming: string[] = [];
  files.forEach((rel, i) => {
    const to = i % 8 === 0 ? null : i % 8 < 5 ? roots.A : i % 8 < 7 ? roots.B : roots.C;
    if (!to) return incoming.push(path.join(lib.root, rel));
    fs.mkdirSync(path.dirname(path.join(to, rel)), { recursive: true });
    fs.copyFileSync(path.join(lib.root, rel), path.join(to, rel));
  });
  const folders: Folder[] = [];
  for (const key of ['A', 'B', 'C'] as const) {
    const d = await client().directories.create.mutate({ path: roots[key], name: `Chaos ${key}` });
    folders.push({ key, id: d.id, root: roots[key] });
  }
  const C = folders[2]!;
  // the built-in analyzer at work all along, as on a newcomer's machine (the stack starts without it)
  await client().settings.update.mutate({ values: { 'analysis.engine': 'auto' } });

  // what the disk should hold: every file's content, counted (the trash included)
  const expected = new Map<string, number>();
  const bump = (h: string, by: number) => expected.set(h, (expected.get(h) ?? 0) + by);
  for (const f of folders) for (const rel of walk(f.root)) bump(sha(path.join(f.root, rel)), 1);

  const db = () => new Database(path.join(stack.dataDir, 'library.db'), { readonly: true, fileMustExist: true });

  // the heartbeat, watched all along; a window around each kill does not count
  let down = false;
  let backSince = 0;
  const watch = setInterval(() => {
    if (down || Date.now() - backSince < 3_000) return;
    const d = db();
    try {
      const row = d.prepare('SELECT heartbeat_at AS at, components FROM worker_status ORDER BY heartbeat_at DESC LIMIT 1').get() as { at: number; components: string } | undefined;
      if (!row) return;
      stats.worstHeartbeatGapMs = Math.max(stats.worstHeartbeatGapMs, Date.now() - row.at);
      const loop = (JSON.parse(row.components) as Record<string, { worstStallMs?: number; worstStartupStallMs?: number }>).mainLoop;
      stats.worstStallMs = Math.max(stats.worstStallMs, loop?.worstStallMs ?? 0);
      stats.worstStartupStallMs = Math.max(stats.worstStartupStallMs, loop?.worstStartupStallMs ?? 0);
    } finally {
      d.close();
    }
  }, 250);

  const killWorker = async () => {
    down = true;
    await stack.killWorker('SIGKILL');
    stats.kills++;
    await stack.startWorker();
    down = false;
    backSince = Date.now();
  };

  /** The library at rest: the stick in, every operation over, every folder scanned after the last change. */
  async function settle() {
    if (!fs.existsSync(C.root)) fs.renameSync(`${C.root}.away`, C.root);
    const idle = (kinds: string) => {
      const d = db();
      try {
        const ops = (d.prepare("SELECT count(*) AS n FROM file_operations WHERE status IN ('pending', 'in_progress')").get() as { n: number }).n;
        const jobs = (d.prepare(`SELECT count(*) AS n FROM jobs WHERE status IN ('queued', 'running') AND kind IN (${kinds})`).get() as { n: number }).n;
        return ops + jobs;
      } finally {
        d.close();
      }
    };
    await expect.poll(() => isAvailable(C.id), { timeout: 60_000 }).toBe(true);
    // every scan asked for now must walk after the last change: a request while a scan of the folder
    // runs would be answered with that scan, which may have walked past the change
    await expect.poll(() => idle("'files.run', 'duplicates.resolveAll', 'library.scan'"), { timeout: 120_000 }).toBe(0);
    const scans = await Promise.all(folders.map((f) => client().scans.start.mutate({ directoryId: f.id, strategy: 'hybrid', priority: 'high' })));
    for (const s of scans)
      await expect.poll(async () => (await client().scans.history.query({ limit: 200 })).find((h) => h.id === s.scanId)?.status, { timeout: 120_000 }).toMatch(/completed/);
    await expect.poll(() => idle("'files.run', 'duplicates.resolveAll', 'library.scan'"), { timeout: 120_000 }).toBe(0);
  }
  async function isAvailable(id: string) {
    const list = await client().directories.list.query();
    return list.find((d) => d.id === id)?.isAvailable === true;
  }

  await settle();
  // a playlist and cues to keep attached through everything
  const first = (await client().tracks.list.query({ limit: 40 })).items;
  const set = await client().playlists.create.mutate({ name: 'Chaos set', type: 'static' });
  await client().playlists.addTracks.mutate({ id: set.id, trackIds: first.slice(0, 20).map((t) => t.id) });
  for (const t of first.slice(0, 8)) await client().hotCues.set.mutate({ trackId: t.id, index: 0, positionSec: 1.5, name: 'Drop' });

  let attached = { entries: new Map<number, string>(), cues: new Map<string, number>() };
  /** Ids that must hold: a file renamed or moved by hand is still its track. */
  let sameId: { folder: Folder; rel: string; id: string }[] = [];

  function check(round: number) {
    const d = db();
    const problems: string[] = [];
    try {
      const rows = d.prepare('SELECT id, directory_id AS dir, rel_path AS rel, is_missing AS missing, missing_reason AS reason FROM tracks').all() as {
        id: string;
        dir: string;
        rel: string;
        missing: number;
        reason: string | null;
      }[];
      const excluded = new Set((d.prepare('SELECT directory_id || char(0) || rel_path AS k FROM track_exclusions').all() as { k: string }[]).map((r) => r.k));
      const at = new Map<string, typeof rows>();
      for (const r of rows) at.set(`${r.dir}\0${r.rel}`, [...(at.get(`${r.dir}\0${r.rel}`) ?? []), r]);
      const got = new Map<string, number>();
      for (const f of folders) {
        for (const rel of walk(f.root)) {
          const h = sha(path.join(f.root, rel));
          got.set(h, (got.get(h) ?? 0) + 1);
        }
        for (const rel of visibleAudio(f.root)) {
          const here = at.get(`${f.id}\0${rel}`) ?? [];
          if (excluded.has(`${f.id}\0${rel}`)) continue;
          if (here.length !== 1) problems.push(`${f.key}/${rel}: ${here.length} rows`);
          else if (here[0]!.missing) problems.push(`${f.key}/${rel}: on disk but its track says missing (${here[0]!.reason})`);
        }
      }
      for (const r of rows) {
        const f = folders.find((x) => x.id === r.dir);
        if (!f) continue;
        const exists = fs.existsSync(path.join(f.root, r.rel));
        if (!r.missing && !exists) problems.push(`${f.key}/${r.rel}: track ${r.id} present but no file`);
        if (r.missing && r.reason !== 'deleted') problems.push(`${f.key}/${r.rel}: missing with reason ${r.reason} while its folder is in`);
      }
      for (const [h, n] of expected) if ((got.get(h) ?? 0) !== n) problems.push(`content ${h.slice(0, 8)}: ${got.get(h) ?? 0} on disk, ${n} expected`);
      for (const [h, n] of got) if (!expected.has(h)) problems.push(`content ${h.slice(0, 8)}: ${n} on disk, none expected`);
      for (const s of sameId) {
        const here = at.get(`${s.folder.id}\0${s.rel}`)?.[0];
        // a duplicate resolution may have merged the row away since: then there is nothing to keep
        const alive = rows.some((r) => r.id === s.id);
        if (alive && here && here.id !== s.id) problems.push(`${s.folder.key}/${s.rel}: moved by hand, became track ${here.id} instead of ${s.id}`);
      }
      // entries and cues stay with their track; a track may only be gone into the trash or merged by a resolution
      const trashed = new Set((d.prepare('SELECT track_id AS id FROM trash_items WHERE restored_at IS NULL AND track_id IS NOT NULL').all() as { id: string }[]).map((r) => r.id));
      const plans = (d.prepare("SELECT plan || snapshot AS text FROM duplicate_resolutions WHERE status = 'applied'").all() as { text: string }[]).map((r) => r.text).join('\n');
      const goneFairly = (id: string) => trashed.has(id) || plans.includes(id);
      const ids = new Set(rows.map((r) => r.id));
      const entries = new Map((d.prepare('SELECT id, track_id AS t FROM playlist_tracks').all() as { id: number; t: string | null }[]).map((e) => [e.id, e.t]));
      for (const [entry, was] of attached.entries) {
        const now = entries.get(entry);
        // a resolution drops an entry that would list the kept copy twice in one playlist
        if (now === undefined && !goneFairly(was)) problems.push(`playlist entry ${entry} (track ${was}) vanished`);
        else if (now === null && !goneFairly(was)) problems.push(`playlist entry ${entry} lost track ${was}, which is neither in the trash nor merged`);
      }
      const cues = new Map(
        (d.prepare("SELECT track_id AS t, count(*) AS n FROM hot_cues WHERE source = 'user' GROUP BY track_id").all() as { t: string; n: number }[]).map((c) => [c.t, c.n]),
      );
      for (const [track, n] of attached.cues)
        if (ids.has(track) ? (cues.get(track) ?? 0) < n : !goneFairly(track)) problems.push(`track ${track} had ${n} cues, now ${cues.get(track) ?? 0}`);
      attached = { entries: new Map([...entries].filter((e): e is [number, string] => e[1] !== null)), cues };
      const open = d.prepare("SELECT id, kind, step, src_path AS src FROM file_operations WHERE status IN ('pending', 'in_progress')").all();
      if (open.length) problems.push(`journal not at rest: ${JSON.stringify(open)}`);
      const failedScans = d.prepare("SELECT id, error FROM scans WHERE status = 'failed' AND error NOT LIKE '%offline%'").all();
      if (failedScans.length) problems.push(`scans failed: ${JSON.stringify(failedScans)}`);
      const integrity = (d.prepare('PRAGMA integrity_check').get() as { integrity_check: string }).integrity_check;
      if (integrity !== 'ok') problems.push(`integrity_check: ${integrity}`);
    } finally {
      d.close();
    }
    expect(problems, `round ${round} (seed ${SEED})`).toEqual([]);
  }

  check(0);
  const started = Date.now();
  try {
    for (let round = 1; round <= ROUNDS; round++) {
      const unplug = rnd.chance(0.12);
      // plan the round first: each file is touched by one action at most
      const d = db();
      const live = d.prepare('SELECT t.id, t.directory_id AS dir, t.rel_path AS rel FROM tracks t WHERE t.is_missing = 0 AND t.is_broken = 0').all() as {
        id: string;
        dir: string;
        rel: string;
      }[];
      const groups = d.prepare("SELECT id FROM duplicate_groups WHERE status = 'open'").all() as { id: number }[];
      const resolutions = d.prepare("SELECT id FROM duplicate_resolutions WHERE status = 'applied'").all() as { id: number }[];
      d.close();
      const usable = (f: Folder) => !(unplug && f.key === 'C');
      const onDisk = folders.filter(usable).flatMap((f) => visibleAudio(f.root).map((rel) => ({ f, rel })));
      const taken = new Set<string>();
      const take = <T extends { f: Folder; rel: string }>(xs: T[]): T | undefined => {
        for (let i = 0; i < 10 && xs.length; i++) {
          const x = rnd.pick(xs);
          if (!taken.has(`${x.f.key}/${x.rel}`)) {
            taken.add(`${x.f.key}/${x.rel}`);
            return x;
          }
        }
        return undefined;
      };
      const tracksOnDisk = live.flatMap((t) => {
        const f = folders.find((x) => x.id === t.dir);
        return f && usable(f) && fs.existsSync(path.join(f.root, t.rel)) ? [{ f, rel: t.rel, id: t.id }] : [];
      });
      // duplicate groups touch files the plan cannot see: at most one resolution or undo a round, and nothing else on its files
      const actions: (() => Promise<void>)[] = [];
      const plan: string[] = [];
      const n = 2 + rnd.int(5);
      for (let i = 0; i < n; i++) {
        const kind = rnd.pick(['copyIn', 'renameByHand', 'moveByHand', 'deleteByHand', 'apiMove', 'apiRename', 'apiTrash', 'rescan', 'backup', 'playlist', 'resolve', 'undo']);
        if (kind === 'copyIn') {
          const src = incoming.length && rnd.chance(0.7) ? incoming.splice(rnd.int(incoming.length), 1)[0]! : path.join(lib.root, rnd.pick(files));
          const f = rnd.pick(folders.filter(usable));
          const rel = path.join(rnd.pick(['', 'Incoming', 'New/Deep']), `copied ${round}-${i} ${path.basename(src)}`);
          taken.add(`${f.key}/${rel}`);
          actions.push(async () => {
            // slowly, in pieces, as a copy over the network or from a card would
            const buf = fs.readFileSync(src);
            fs.mkdirSync(path.dirname(path.join(f.root, rel)), { recursive: true });
            const fd = fs.openSync(path.join(f.root, rel), 'w');
            for (let p = 0; p < 4; p++) {
              fs.writeSync(fd, buf, Math.floor((p * buf.length) / 4), Math.floor(((p + 1) * buf.length) / 4) - Math.floor((p * buf.length) / 4));
              await new Promise((r) => setTimeout(r, 150 + rnd.int(300)));
            }
            fs.closeSync(fd);
            bump(sha(path.join(f.root, rel)), 1);
          });
        } else if (kind === 'renameByHand' || kind === 'moveByHand') {
          const x = take(tracksOnDisk);
          if (!x) continue;
          const to = kind === 'moveByHand' ? rnd.pick(folders.filter((g) => usable(g) && g !== x.f)) : x.f;
          const rel = path.join(path.dirname(x.rel), `by hand ${round}-${i}${path.extname(x.rel)}`);
          taken.add(`${to.key}/${rel}`);
          actions.push(async () => {
            const from = path.join(x.f.root, x.rel);
            const dst = path.join(to.root, rel);
            fs.mkdirSync(path.dirname(dst), { recursive: true });
            if (to === x.f) fs.renameSync(from, dst);
            else {
              // across filesystems, as a file manager does it: copy, then delete
              fs.copyFileSync(from, dst);
              fs.unlinkSync(from);
            }
            sameId.push({ folder: to, rel, id: x.id });
          });
        } else if (kind === 'deleteByHand') {
          const x = take(onDisk);
          if (!x) continue;
          actions.push(async () => {
            const p = path.join(x.f.root, x.rel);
            const h = sha(p);
            fs.unlinkSync(p);
            bump(h, -1);
          });
        } else if (kind === 'apiMove' || kind === 'apiRename' || kind === 'apiTrash') {
          const x = take(tracksOnDisk);
          if (!x) continue;
          const to = rnd.pick(folders.filter(usable));
          actions.push(async () => {
            if (kind === 'apiMove') await client().files.move.mutate({ trackIds: [x.id], folder: path.join(to.root, rnd.pick(['Sorted', 'Sorted/Later', 'Played'])) });
            else if (kind === 'apiRename') await client().files.rename.mutate({ trackId: x.id, name: `api ${round}-${i}` });
            else await client().files.delete.mutate({ trackIds: [x.id] });
          });
        } else if (kind === 'rescan') {
          const f = rnd.pick(folders.filter(usable));
          actions.push(async () => void (await client().scans.start.mutate({ directoryId: f.id, strategy: rnd.pick(['hybrid', 'full', 'fast'] as const) })));
        } else if (kind === 'backup') actions.push(async () => void (await client().system.backupNow.mutate()));
        else if (kind === 'playlist') {
          const t = rnd.pick(live);
          if (!t) continue;
          actions.push(async () => {
            await client().playlists.addTracks.mutate({ id: set.id, trackIds: [t.id], allowDuplicates: true });
            await client().hotCues.set.mutate({ trackId: t.id, index: 1 + rnd.int(7), positionSec: rnd.int(3) });
          });
        } else if (kind === 'resolve' && groups.length && !unplug && !actions.some((a) => (a as { dup?: true }).dup)) {
          const g = rnd.pick(groups);
          const a = Object.assign(async () => void (await client().duplicates.resolve.mutate({ groupId: g.id, fileAction: rnd.pick(['keep', 'trash'] as const) })), {
            dup: true as const,
          });
          actions.push(a);
        } else if (kind === 'undo' && resolutions.length && !unplug && !actions.some((a) => (a as { dup?: true }).dup)) {
          const r = rnd.pick(resolutions);
          actions.push(Object.assign(async () => void (await client().duplicates.undo.mutate({ resolutionId: r.id })), { dup: true as const }));
        } else continue;
        stats.add(kind);
        plan.push(kind);
      }
      // a resolution moves or excludes files the plan did not set aside: alone with other API work, never with work by hand
      if (actions.some((a) => (a as { dup?: true }).dup)) actions.splice(0, actions.length, ...actions.filter((a) => (a as { dup?: true }).dup));

      const kill = rnd.chance(0.3);
      if (process.env.CHAOS_VERBOSE) console.log(`chaos: round ${round}: ${plan.join(', ')}${unplug ? ', unplug' : ''}`);
      const webRestart = rnd.chance(0.08);
      const run = async (a: () => Promise<void>) => {
        await new Promise((r) => setTimeout(r, rnd.int(600)));
        // an answer lost to a restart is fine: what the server did is checked at rest
        await a().catch((e: unknown) => {
          // a clear refusal (the server said why and changed nothing) is the product at work; a 500 is a bug
          const code = (e as { data?: { code?: string } } | null)?.data?.code;
          if (code && code !== 'INTERNAL_SERVER_ERROR') return;
          if (
            !/fetch failed|terminated|other side closed|ECONNREFUSED|ECONNRESET|socket|Precondition|PRECONDITION|not there|nothing to do|already|went missing|offline/i.test(
              String(e),
            )
          )
            throw e;
        });
      };
      const chaos: Promise<void>[] = actions.map(run);
      if (unplug) {
        stats.add('unplug');
        chaos.push(
          (async () => {
            await new Promise((r) => setTimeout(r, rnd.int(800)));
            fs.renameSync(C.root, `${C.root}.away`);
          })(),
        );
      }
      if (kill)
        chaos.push(
          (async () => {
            await new Promise((r) => setTimeout(r, rnd.int(1_500)));
            await killWorker();
          })(),
        );
      if (webRestart)
        chaos.push(
          (async () => {
            await new Promise((r) => setTimeout(r, rnd.int(1_000)));
            await stack.restartWeb('SIGKILL');
            stats.webRestarts++;
          })(),
        );
      await Promise.all(chaos);
      await settle();
      check(round);
      // what was moved by hand is checked once; later rounds may move it again
      sameId = [];
      if (round % 10 === 0 || round === ROUNDS) console.log(`chaos: round ${round}/${ROUNDS} green after ${Math.round((Date.now() - started) / 1000)} s`);
    }
    // analysis survived it all: every readable track's audio gets its analysis, or a job that failed
    // with a reason; none is left waiting on a worker that was killed
    const unsettled = () => {
      const d = db();
      try {
        return d
          .prepare(
            `SELECT DISTINCT t.audio_hash AS hash, j.status FROM tracks t JOIN library_directories f ON f.id = t.directory_id
                LEFT JOIN audio_analysis a ON a.audio_hash = t.audio_hash LEFT JOIN analysis_jobs j ON j.audio_hash = t.audio_hash
                WHERE t.is_missing = 0 AND t.is_broken = 0 AND f.is_active = 1 AND f.is_available = 1 AND a.basic_at IS NULL
                  AND (j.status IS NULL OR j.status NOT IN ('failed'))`,
          )
          .all() as { hash: string; status: string | null }[];
      } finally {
        d.close();
      }
    };
    await expect.poll(() => unsettled().length, { timeout: 5 * 60_000, intervals: [1_000] }).toBe(0);
    const d = db();
    try {
      const n = (q: string) => (d.prepare(q).get() as { n: number }).n;
      stats.analysed = n('SELECT count(*) AS n FROM audio_analysis WHERE basic_at IS NOT NULL');
      stats.analysisFailed = n("SELECT count(*) AS n FROM analysis_jobs WHERE status = 'failed'");
    } finally {
      d.close();
    }
  } finally {
    clearInterval(watch);
  }
  const ops = [...stats.counts].map(([k, v]) => `${k} ${v}`).join(', ');
  console.log(
    `chaos: ${ROUNDS} rounds green (seed ${SEED}) in ${Math.round((Date.now() - started) / 1000)} s; worker SIGKILLs ${stats.kills}, web restarts ${stats.webRestarts}; ${ops}; ` +
      `built-in analysis of ${stats.analysed} audio hashes (${stats.analysisFailed} failed with a reason); ` +
      `longest heartbeat gap outside kills ${stats.worstHeartbeatGapMs} ms; longest main-loop stall ${stats.worstStallMs} ms (${stats.worstStartupStallMs} ms in a start-up's first 10 s)`,
  );
  expect(stats.worstHeartbeatGapMs, 'the heartbeat was never stale for more than 5 s outside the kills').toBeLessThan(5_000);
  if (shm !== stack.tmp) fs.rmSync(shm, { recursive: true, force: true });
});
