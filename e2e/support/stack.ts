import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { closeDatabase, openDatabase } from '../../server/db/client';
import { loadEnv } from '../../server/env';
import { SettingsStore } from '../../server/settings/store';
import { freePort } from '../../server/testing/free-port';

const root = path.resolve(import.meta.dirname, '../..');

async function waitFor(check: () => Promise<boolean>, what: string, timeoutMs = 60_000) {
  const start = Date.now();
  while (Date.now() - start < timeoutMs) {
    if (await check().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 150));
  }
  throw new Error(`timed out waiting for ${what}`);
}

export interface Stack {
  url: string;
  dataDir: string;
  tmp: string;
  env: Record<string, string>;
  workerPid(): number | undefined;
  startWorker(): Promise<void>;
  killWorker(signal?: NodeJS.Signals): Promise<void>;
  /** Stops the web (SIGTERM, or `signal`) and starts it again on the same port. */
  restartWeb(signal?: NodeJS.Signals): Promise<void>;
  stop(): Promise<void>;
}

/**
 * The real thing for browser tests: the built web app behind its gate (`server/web/serve.ts`) and a real worker process
 * on free ports with their own temp data folder. Tests may kill and restart the worker.
 */
export async function startStack(extraEnv: Record<string, string> = {}): Promise<Stack> {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'mismo-e2e-'));
  const dataDir = path.join(tmp, 'data');
  const [port, workerPort] = [await freePort(), await freePort()];
  const env: Record<string, string> = {
    ...(process.env as Record<string, string>),
    NODE_ENV: 'production',
    NEXT_TELEMETRY_DISABLED: '1',
    DATA_DIR: dataDir,
    PORT: String(port),
    HOST: '127.0.0.1',
    WORKER_PORT: String(workerPort),
    WORKER_HEARTBEAT_MS: '500',
    LOG_LEVEL: process.env.E2E_LOG_LEVEL ?? 'warn',
    AUDIO_SERVER_WS_URL: '',
    PYTHON_SERVER_URL: '',
    ...extraEnv,
  };
  const log = fs.openSync(path.join(tmp, 'stack.log'), 'a');
  const spawnNode = (args: string[]): ChildProcess => spawn(process.execPath, args, { cwd: root, env: env as NodeJS.ProcessEnv, stdio: ['ignore', log, log] });
  const migrate = spawnNode(['--import', 'tsx', 'server/cli/migrate.ts']);
  await new Promise<void>((resolve, reject) => migrate.on('exit', (c) => (c === 0 ? resolve() : reject(new Error(`migrate failed; see ${tmp}/stack.log`)))));
  // No analysis in the background unless a spec asks for it (the built-in analyzer's spec switches
  // to Auto from the UI, the analysis spec brings a server): other specs test scans, files and the
  // UI without a worker busy analysing every file they add (or the 100,000 rows one seeds).
  const db = openDatabase(loadEnv(env, root).db.path);
  new SettingsStore(db).update({ 'analysis.engine': 'server' });
  closeDatabase(db);
  let web = spawnNode(['--import', 'tsx', 'server/web/serve.ts']);
  const stopWeb = async (signal: NodeJS.Signals = 'SIGTERM') => {
    // a web that already died (and said so in stack.log) must not hang the teardown
    if (web.exitCode !== null || web.signalCode !== null) return;
    const exited = new Promise((r) => web.once('exit', r));
    web.kill(signal);
    await exited;
  };
  let worker: ChildProcess | undefined;
  const url = `http://127.0.0.1:${port}`;
  const startWorker = async () => {
    worker = spawnNode(['--import', 'tsx', 'worker/main.ts']);
    await waitFor(async () => (await fetch(`http://127.0.0.1:${workerPort}/health`)).ok, 'worker');
  };
  const killWorker = async (signal: NodeJS.Signals = 'SIGTERM') => {
    const w = worker;
    if (w?.exitCode !== null) return;
    const exited = new Promise((r) => w.once('exit', r));
    w.kill(signal);
    await exited;
  };
  await startWorker();
  // any answer (200, or 503 while a dependency is missing) means the web is serving
  const webUp = () => waitFor(async () => [200, 503].includes((await fetch(`${url}/api/health`)).status), 'web', 60_000);
  await webUp();
  return {
    url,
    dataDir,
    tmp,
    env,
    workerPid: () => worker?.pid,
    startWorker,
    killWorker,
    async restartWeb(signal) {
      await stopWeb(signal);
      web = spawnNode(['--import', 'tsx', 'server/web/serve.ts']);
      await webUp();
    },
    async stop() {
      await killWorker('SIGTERM');
      await stopWeb();
      fs.closeSync(log);
      if (!process.env.E2E_KEEP) fs.rmSync(tmp, { recursive: true, force: true });
    },
  };
}
