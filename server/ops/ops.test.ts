import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { Writable } from 'node:stream';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { hotCues, libraryDirectories, playlistTracks, playlists, tracks } from '@/drizzle/schema';
import { enqueueJob } from '../jobs/queue';
import { appendEvent } from '../events/outbox';
import { writeHeartbeat } from '../system/worker-status';
import { createTestContext, type TestContext } from '../testing/create-test-context';
import { parsePrometheus, sampleValue } from '../testing/prometheus';
import { pipeChildOutput } from './child-logs';
import { healthReport } from './health';
import { collectMetrics } from './metrics';
import { LatencyHistogram, PromText } from './prometheus';
import { defaultPaths, envFileText, webUnit, workerUnit, type UnitOptions } from './systemd';
import { exportUserData } from './user-data';

const open: TestContext[] = [];
afterEach(() => {
  for (const t of open.splice(0)) t.cleanup();
});
function context(env?: Record<string, string>) {
  const t = createTestContext({ file: true, env });
  open.push(t);
  return t;
}

function beat(t: TestContext, state: 'running' | 'stopped', components: Record<string, { state: string; [k: string]: unknown }> = {}) {
  writeHeartbeat(t.db, { id: 'w1', pid: 42, hostname: 'dj', version: '0.1.0', state, components, startedAt: t.clock.now(), heartbeatAt: t.clock.now() });
}

function seedTrack(t: TestContext, id: string, extra: Partial<typeof tracks.$inferInsert> = {}) {
  t.db
    .insert(tracks)
    .values({ id, directoryId: 'd1', relPath: `${id}.mp3`, fileName: `${id}.mp3`, fileExt: 'mp3', sizeBytes: 1, mtimeMs: 1, dateAdded: 1, createdAt: 1, updatedAt: 1, ...extra })
    .run();
}

describe('health', () => {
  it('is ok with a beating worker, degraded once it stops or its heartbeat goes stale, and reports the optional peers', () => {
    const t = context({ PYTHON_SERVER_URL: 'http://127.0.0.1:9', AUDIO_SERVER_WS_URL: '' });
    expect(healthReport(t.ctx)).toMatchObject({ status: 'degraded', worker: { online: false, state: 'offline' } });
    beat(t, 'running', { analysis: { state: 'waiting', detail: 'no analysis server answers' } });
    expect(healthReport(t.ctx)).toMatchObject({
      status: 'ok',
      db: { ok: true, pendingMigrations: [] },
      worker: { online: true, state: 'running', heartbeatAgeMs: 0 },
      analysis: { state: 'waiting', detail: 'no analysis server answers' },
      audioEngine: { state: 'disabled' },
    });
    t.clock.advance(7_000); // a killed worker stops beating
    expect(healthReport(t.ctx)).toMatchObject({ status: 'degraded', worker: { online: false }, analysis: { state: 'unknown' } });
    beat(t, 'stopped'); // a clean stop says so at once
    expect(healthReport(t.ctx).status).toBe('degraded');
  });

  it('is degraded when the database cannot be read', () => {
    const t = context();
    beat(t, 'running');
    t.db.$client.close();
    const r = healthReport(t.ctx);
    expect(r.status).toBe('degraded');
    expect(r.db.ok).toBe(false);
    expect(r.db.error).toMatch(/not open/);
  });
});

describe('metrics', () => {
  it('writes valid Prometheus text with the library, queue, scan, event and engine figures', () => {
    const t = context();
    const now = t.clock.now();
    t.db.insert(libraryDirectories).values({ id: 'd1', path: '/music', name: 'Music', createdAt: 1, updatedAt: 1 }).run();
    seedTrack(t, 'a');
    seedTrack(t, 'b', { isMissing: true });
    enqueueJob(t.db, 'events.prune', {}, {}, now);
    t.db.$client
      .prepare(
        `INSERT INTO analysis_jobs (audio_hash, status, priority, stages_requested, next_attempt_at, dispatched_at, completed_at, created_at, updated_at)
         VALUES ('h1', 'completed', 0, '[]', 0, 1000, 31000, 0, 0), ('h2', 'queued', 0, '[]', 0, NULL, NULL, 0, 0)`,
      )
      .run();
    for (let i = 0; i < 30; i++) appendEvent(t.db, 'settings:updated', { keys: ['x'] }, now - 1_000);
    const latency = new LatencyHistogram();
    for (const s of [0.0008, 0.003, 0.004, 0.05]) latency.observe(s);
    beat(t, 'running', { audioEngine: { state: 'connected', latency: latency.snapshot() } });

    const f = parsePrometheus(collectMetrics(t.ctx, { sseClients: 3 }));
    expect(sampleValue(f, 'mismo_worker_up')).toBe(1);
    expect(sampleValue(f, 'mismo_tracks', { state: 'all' })).toBe(2);
    expect(sampleValue(f, 'mismo_tracks', { state: 'missing' })).toBe(1);
    expect(sampleValue(f, 'mismo_jobs', { kind: 'events.prune', state: 'queued' })).toBe(1);
    expect(sampleValue(f, 'mismo_analysis_jobs', { state: 'queued' })).toBe(1);
    expect(sampleValue(f, 'mismo_analysis_duration_seconds_bucket', { le: '30' })).toBe(1);
    expect(sampleValue(f, 'mismo_analysis_duration_seconds_bucket', { le: '10' })).toBe(0);
    expect(sampleValue(f, 'mismo_analysis_duration_seconds_sum')).toBe(30);
    expect(sampleValue(f, 'mismo_engine_request_duration_seconds_count')).toBe(4);
    expect(sampleValue(f, 'mismo_engine_request_duration_seconds_bucket', { le: '0.005' })).toBe(3);
    expect(sampleValue(f, 'mismo_events_total')).toBe(31); // 30 + the job's "queued"
    expect(sampleValue(f, 'mismo_events_per_second')).toBeCloseTo(31 / 60);
    expect(sampleValue(f, 'mismo_sse_clients')).toBe(3);
    expect(sampleValue(f, 'mismo_db_size_bytes', { file: 'main' })! + sampleValue(f, 'mismo_db_size_bytes', { file: 'wal' })!).toBe(
      fs.statSync(t.ctx.env.db.path).size + fs.statSync(`${t.ctx.env.db.path}-wal`).size,
    );
    expect(f.get('mismo_jobs')!.type).toBe('gauge');
    expect(f.get('mismo_events_total')!.type).toBe('counter');
    expect(f.get('mismo_engine_request_duration_seconds')!.type).toBe('histogram');
  });

  it('escapes label values and refuses what Prometheus would reject', () => {
    const text = new PromText().gauge('x_files', 'help with \\ and\nnewline', [{ labels: { path: 'C:\\a "b"\nc' }, value: 1 }]).toString();
    expect(parsePrometheus(text).get('x_files')!.samples[0]!.labels.path).toBe('C:\\a "b"\nc');
    expect(() => new PromText().gauge('bad-name', 'h', 1)).toThrow(/invalid metric name/);
    expect(() => new PromText().counter('no_suffix', 'h', 1)).toThrow(/_total/);
    expect(() => new PromText().gauge('x', 'h', [{ labels: { 'bad-label': 1 }, value: 1 }])).toThrow(/invalid label/);
    // and the parser is strict enough to catch those mistakes
    expect(() => parsePrometheus('x 1\n')).toThrow(/no TYPE/);
    expect(() => parsePrometheus('# TYPE x gauge\nx{a="\\q"} 1\n')).toThrow(/bad escape/);
    expect(() => parsePrometheus('# TYPE x gauge\nx 1\nx 2\n')).toThrow(/duplicate/);
    expect(() => parsePrometheus('# TYPE h histogram\nh_bucket{le="1"} 2\nh_bucket{le="+Inf"} 1\nh_sum 1\nh_count 1\n')).toThrow(/go down/);
  });
});

describe('systemd units', () => {
  const base = (scope: 'user' | 'system', tmp: string): UnitOptions => ({
    scope,
    appDir: process.cwd(),
    nodePath: process.execPath,
    dataDir: path.join(tmp, 'data with space'),
    envFile: path.join(tmp, 'mismo-library.env'),
    libraryDirs: ['/srv/music', path.join(tmp, 'My "Music" 100%')],
    user: scope === 'system' ? 'root' : undefined,
    workerShutdownMs: 15_000,
    webUrl: 'http://127.0.0.1:3000',
    workerHealthUrl: 'http://127.0.0.1:3001/health',
  });

  for (const scope of ['system', 'user'] as const) {
    it(`pass systemd-analyze verify with no warnings (${scope})`, () => {
      const t = context();
      const o = base(scope, t.tmp);
      fs.writeFileSync(o.envFile, envFileText({ dataDir: o.dataDir, host: '127.0.0.1', port: 3000, workerPort: 3001, extra: { LOG_LEVEL: 'debug' } }));
      const dir = path.join(t.tmp, 'units');
      fs.mkdirSync(dir);
      fs.writeFileSync(path.join(dir, 'mismo-library-worker.service'), workerUnit(o));
      fs.writeFileSync(path.join(dir, 'mismo-library-web.service'), webUnit(o));
      const runtime = fs.mkdtempSync(path.join(t.tmp, 'rt-'));
      const r = spawnSync('systemd-analyze', [...(scope === 'user' ? ['--user'] : []), 'verify', '--man=no', 'mismo-library-worker.service', 'mismo-library-web.service'], {
        cwd: dir,
        encoding: 'utf8',
        env: { ...process.env, XDG_RUNTIME_DIR: runtime, SYSTEMD_LOG_LEVEL: 'notice' },
      });
      expect(r.error).toBeUndefined();
      // verify exits 0 even for unknown keys and bad values, so its warnings are the verdict
      expect(r.stderr.trim()).toBe('');
      expect(r.status).toBe(0);
    });
  }

  it('fill in this install: restart on failure, drain time, sandbox with the data and library folders writable', () => {
    const t = context();
    const o = base('system', t.tmp);
    const worker = workerUnit(o);
    expect(worker).toContain('Restart=on-failure');
    expect(worker).toContain('TimeoutStopSec=30'); // 15 s drain + margin
    expect(worker).toContain('KillMode=mixed');
    expect(worker).toContain('NoNewPrivileges=yes');
    expect(worker).toContain('ProtectSystem=strict');
    expect(worker).toContain(`ExecStart=${process.execPath} --import tsx worker/main.ts`);
    expect(worker).toContain(`EnvironmentFile=${o.envFile}`);
    expect(worker).toContain('User=root');
    const rw = worker.split('\n').find((l) => l.startsWith('ReadWritePaths='))!;
    expect(rw).toContain(`"-${o.dataDir}"`);
    expect(rw).toContain('-/srv/music');
    expect(rw).toContain(String.raw`"-${t.tmp}/My \"Music\" 100%%"`);
    const web = webUnit(o);
    expect(web).toContain('After=network-online.target mismo-library-worker.service');
    expect(web).toContain('wait-ready.mjs --any http://127.0.0.1:3000/api/health');
    expect(() => workerUnit({ ...o, libraryDirs: ['/a\nExecStart=/bin/sh'] })).toThrow(/not allowed/);
    expect(defaultPaths('user', '/home/dj').dataDir).toMatch(/mismo-library$/);
  });

  it('the readiness helper waits for 200, or any answer with --any', async () => {
    const http = await import('node:http');
    let status = 503;
    const server = http.createServer((_q, res) => {
      res.statusCode = status;
      res.end();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(server.address() as { port: number }).port}/health`;
    const wait = (args: string[]) =>
      new Promise<number>((resolve) => spawn(process.execPath, ['server/cli/wait-ready.mjs', ...args], { stdio: 'ignore' }).on('exit', (c) => resolve(c ?? -1)));
    try {
      expect(await wait(['--any', url, '5'])).toBe(0);
      expect(await wait([url, '1'])).toBe(1);
      setTimeout(() => (status = 200), 300);
      expect(await wait([url, '10'])).toBe(0);
    } finally {
      server.close();
    }
  });
});

describe('logs of child processes', () => {
  it('are logged line by line with the child name, stderr as warnings, runaway lines cut', async () => {
    const lines: { level: string; msg: string; module: string; stream: string }[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _e, cb) {
        for (const l of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(l) as (typeof lines)[number]);
        cb();
      },
    });
    const log = pino({ level: 'info', formatters: { level: (label) => ({ level: label }) } }, sink);
    const child = spawn(process.execPath, ['-e', 'console.log("ready on 8000\\n\\nsecond"); console.error("x".repeat(50)); console.log("no newline at end")'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    pipeChildOutput(child, log, 'analysis-server', 20);
    await new Promise((r) => child.on('close', r));
    await new Promise((r) => setImmediate(r));
    const info = lines.filter((l) => l.level === 'info').map((l) => l.msg);
    expect(info).toEqual(['[analysis-server] ready on 8000', '[analysis-server] second', '[analysis-server] no newline at end']);
    const warn = lines.find((l) => l.level === 'warn')!;
    expect(warn).toMatchObject({ module: 'analysis-server', stream: 'stderr' });
    expect(warn.msg).toBe(`[analysis-server] ${'x'.repeat(20)}… (30 more characters)`);
  });
});

describe('user data export', () => {
  it('has ratings, cues, playlists with their entries and placeholders, and sessions', () => {
    const t = context();
    t.db.insert(libraryDirectories).values({ id: 'd1', path: '/music', name: 'Music', createdAt: 1, updatedAt: 1 }).run();
    seedTrack(t, 'rated', { rating: 5, color: '#ff0000', artist: 'A', title: 'T', audioHash: 'ab' });
    seedTrack(t, 'cued');
    seedTrack(t, 'plain');
    t.db
      .insert(hotCues)
      .values({ id: 'c1', trackId: 'cued', cueIndex: 0, positionSec: 12.5, name: 'Drop', color: '#00ff00', isLoop: true, loopEndSec: 20, createdAt: 1, updatedAt: 1 })
      .run();
    t.db
      .insert(playlists)
      .values([
        { id: 'p1', name: 'Warmup', type: 'static', createdAt: 1, updatedAt: 1 },
        { id: 's1', name: 'Friday', type: 'session', sessionVenue: 'Club', sessionStartedAt: 5, createdAt: 1, updatedAt: 1 },
        { id: 'm1', name: 'Fast', type: 'smart', smartRules: { all: [{ field: 'bpm', op: 'gt', value: 128 }] }, createdAt: 1, updatedAt: 1 },
      ])
      .run();
    t.db
      .insert(playlistTracks)
      .values([
        { playlistId: 'p1', trackId: 'rated', position: 0, addedAt: 1, notes: 'opener' },
        { playlistId: 'p1', trackId: null, position: 1, addedAt: 1, placeholder: { artist: 'Gone', title: 'Deleted', durationMs: 1000 } },
        { playlistId: 's1', trackId: 'rated', position: 0, addedAt: 1, playedAt: 10 },
      ])
      .run();
    const out = JSON.parse(JSON.stringify(exportUserData(t.db.$client, t.clock.now()))) as ReturnType<typeof exportUserData>;
    expect(out.format).toBe('mismo-library-user-data');
    expect(out.tracks.map((x) => (x as { id: string }).id)).toEqual(['cued', 'rated']); // not the untouched one
    expect(out.tracks.find((x) => (x as { id: string }).id === 'rated')).toMatchObject({ rating: 5, color: '#ff0000', audioHash: 'ab', path: '/music/rated.mp3' });
    expect(out.hotCues).toEqual([expect.objectContaining({ trackId: 'cued', positionSec: 12.5, name: 'Drop', isLoop: true, loopEndSec: 20 })]);
    const byId = Object.fromEntries(out.playlists.map((p) => [p.id, p]));
    expect(byId.p1!.entries).toEqual([
      expect.objectContaining({ trackId: 'rated', notes: 'opener', placeholder: null }),
      expect.objectContaining({ trackId: null, placeholder: { artist: 'Gone', title: 'Deleted', durationMs: 1000 } }),
    ]);
    expect(byId.s1).toMatchObject({ type: 'session', sessionVenue: 'Club', entries: [expect.objectContaining({ playedAt: 10 })] });
    expect(byId.m1!.smartRules).toEqual({ all: [{ field: 'bpm', op: 'gt', value: 128 }] });
  });
});

describe('system API', () => {
  it('info has health, versions, queue depths, disk space per folder and backups; backupNow queues one backup at a time', async () => {
    const { testCaller } = await import('../trpc/test-caller');
    const t = context();
    const music = path.join(t.tmp, 'music');
    fs.mkdirSync(music);
    t.db
      .insert(libraryDirectories)
      .values([
        { id: 'd1', path: music, name: 'Music', createdAt: 1, updatedAt: 1 },
        { id: 'd2', path: path.join(t.tmp, 'usb-stick'), name: 'USB', createdAt: 1, updatedAt: 1 },
      ])
      .run();
    beat(t, 'running');
    const { caller, hub } = testCaller(t);
    try {
      const first = await caller.system.backupNow();
      const again = await caller.system.backupNow();
      expect(again).toEqual({ jobId: first.jobId, alreadyQueued: true });
      const info = await caller.system.info();
      expect(info.health.status).toBe('ok');
      expect(info.versions.sqlite).toMatch(/^3\./);
      expect(info.queues.jobsQueued).toBe(1);
      expect(info.disks.map((d) => d.label)).toEqual(['Data folder', 'Music', 'USB']);
      expect(info.disks[1]!.freeBytes).toBeGreaterThan(0);
      expect(info.disks[2]).toMatchObject({ freeBytes: null, problem: 'not there (offline?)' });
      expect(info.backups.list).toEqual([]);
    } finally {
      hub.close();
    }
  });
});

describe('npm run service:install', () => {
  it('writes both units for this install with --out, prints them with --dry-run, and refuses unknown options', () => {
    const t = context();
    const out = path.join(t.tmp, 'units');
    const run = (args: string[]) =>
      spawnSync(process.execPath, ['--import', 'tsx', 'server/cli/service-install.ts', ...args], {
        encoding: 'utf8',
        env: { ...process.env, DATA_DIR: t.ctx.env.dataDir, HOME: t.tmp, XDG_CONFIG_HOME: path.join(t.tmp, 'config'), LOG_LEVEL: 'silent' },
      });
    const written = run(['--user', '--out', out]);
    expect(written.status).toBe(0);
    const worker = fs.readFileSync(path.join(out, 'mismo-library-worker.service'), 'utf8');
    // the library already in DATA_DIR is the one the services use, and it stays writable
    expect(written.stdout).toContain(`Using the library that is already in ${t.ctx.env.dataDir}`);
    expect(worker).toContain(`ReadWritePaths=${t.ctx.env.dataDir.includes(' ') ? '"' : ''}-${t.ctx.env.dataDir}`);
    expect(worker).toContain(`WorkingDirectory=${process.cwd()}`);
    expect(worker).toContain(`EnvironmentFile=${path.join(t.tmp, 'config', 'mismo-library', 'mismo-library.env')}`);
    expect(fs.readFileSync(path.join(out, 'mismo-library-web.service'), 'utf8')).toContain('ExecStart=');
    expect(fs.existsSync(path.join(t.tmp, 'config'))).toBe(false); // --out touches nothing else

    const dry = run(['--user', '--dry-run']);
    expect(dry.status).toBe(0);
    expect(dry.stdout).toContain('[Service]');
    expect(dry.stdout).toContain('$ systemctl --user enable --now mismo-library-worker.service mismo-library-web.service');
    expect(fs.existsSync(path.join(t.tmp, 'config'))).toBe(false);

    const bad = run(['--bogus']);
    expect(bad.status).toBe(1);
    expect(bad.stderr).toContain('unknown option: --bogus');
  }, 60_000);
});
