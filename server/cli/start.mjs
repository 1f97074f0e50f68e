#!/usr/bin/env node
// Starts Mismo Library: installs dependencies and builds when needed, runs migrations, then runs
// the web (Next.js) and the worker side by side. Ctrl-C / SIGTERM stops both cleanly; if either
// dies, the other is stopped too. Plain Node with no dependencies, so it runs on a fresh clone.
//
//   node server/cli/start.mjs [--dev] [--no-install] [--no-build]
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadDotEnv } from './dotenv.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const args = new Set(process.argv.slice(2));
const dev = args.has('--dev');
const say = (msg) => console.log(`\x1b[36m[mismo]\x1b[0m ${msg}`);
const fail = (msg, code = 1) => {
  console.error(`\x1b[31m[mismo]\x1b[0m ${msg}`);
  process.exit(code);
};

process.chdir(root);
const env = { ...loadDotEnv(path.join(root, '.env')), ...process.env, NEXT_TELEMETRY_DISABLED: '1' };
if (dev) env.LOG_PRETTY ??= 'true';
env.NODE_ENV = dev ? 'development' : 'production';

function run(cmd, argv, opts = {}) {
  const r = spawnSync(cmd, argv, { stdio: 'inherit', env: opts.env ?? env, cwd: root });
  if (r.status !== 0) fail(`${[cmd, ...argv].join(' ')} failed (exit ${r.status ?? r.signal})`, r.status ?? 1);
}

// 1. dependencies
if (!args.has('--no-install')) {
  const lock = path.join(root, 'package-lock.json');
  const installed = path.join(root, 'node_modules/.package-lock.json');
  const stale = !fs.existsSync(installed) || (fs.existsSync(lock) && fs.statSync(lock).mtimeMs > fs.statSync(installed).mtimeMs);
  if (stale) {
    say('installing dependencies (first run takes a couple of minutes)…');
    run('npm', fs.existsSync(lock) ? ['ci', '--include=dev', '--no-audit', '--no-fund'] : ['install', '--no-audit', '--no-fund'], { env: { ...env, NODE_ENV: 'development' } });
  }
}

// 1b. ffmpeg: the built-in analyzer decodes with it (and previews of AIFF, ALAC, WavPack… use it)
if (!args.has('--no-install') && spawnSync('sh', ['-c', 'command -v ffmpeg'], { stdio: 'ignore' }).status !== 0) {
  if (process.getuid?.() === 0 && spawnSync('sh', ['-c', 'command -v apt-get'], { stdio: 'ignore' }).status === 0) {
    say('installing ffmpeg (the built-in analyzer decodes with it)…');
    const aptEnv = { ...env, DEBIAN_FRONTEND: 'noninteractive' };
    const u = spawnSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env: aptEnv });
    const i = u.status === 0 ? spawnSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', 'ffmpeg'], { stdio: 'inherit', env: aptEnv }) : u;
    if (i.status !== 0) say('ffmpeg could not be installed: BPM, key and waveforms wait until it is (sudo apt-get install ffmpeg)');
  } else say('ffmpeg is missing: BPM, key and waveforms wait until it is installed (sudo apt-get install ffmpeg)');
}

// 2. build the web app when sources changed since the last build
if (!dev && !args.has('--no-build')) {
  const { buildIfStale } = await import('./build-if-stale.mjs');
  try {
    buildIfStale({ log: say });
  } catch (e) {
    fail(e.message);
  }
}

// 3. migrations (also validates the configuration and prints every problem at once)
run(process.execPath, ['--import', 'tsx', 'server/cli/migrate.ts']);

// 4. web + worker
const host = env.HOST || '127.0.0.1';
const port = env.PORT || '3000';
const children = new Map();
let stopping = false;
let exitCode = 0;

function start(name, argv) {
  const child = spawn(process.execPath, argv, { stdio: 'inherit', env: { ...env, MISMO_LAUNCHER: '1' }, cwd: root });
  children.set(name, child);
  child.on('exit', (code, signal) => {
    children.delete(name);
    const clean = stopping && (code === 0 || code === 130 || code === 143 || signal === 'SIGTERM' || signal === 'SIGINT');
    if (!stopping) {
      console.error(`\x1b[31m[mismo]\x1b[0m ${name} exited unexpectedly (${signal ?? `code ${code}`}); stopping`);
      exitCode = 1;
      stop('SIGTERM');
    } else if (!clean && exitCode === 0) exitCode = code ?? 1;
    if (children.size === 0) process.exit(exitCode);
  });
}

function stop(signal) {
  if (stopping) return;
  stopping = true;
  say('stopping…');
  for (const child of children.values()) child.kill(signal);
  setTimeout(() => {
    for (const child of children.values()) child.kill('SIGKILL');
  }, 30_000).unref();
}

process.on('SIGINT', () => stop('SIGTERM'));
process.on('SIGTERM', () => stop('SIGTERM'));

if (dev) {
  start('web', ['--import', 'tsx', 'server/web/serve.ts', '--dev']);
  start('worker', ['--import', 'tsx', '--watch', 'worker/main.ts']);
} else {
  start('web', ['--import', 'tsx', 'server/web/serve.ts']);
  start('worker', ['--import', 'tsx', 'worker/main.ts']);
}

// Tell the user where to go once the web answers.
const dial = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
const url = `http://${dial.includes(':') ? `[${dial}]` : dial}:${port}`;
const deadline = Date.now() + 120_000;
const probe = () =>
  fetch(`${url}/api/health`)
    .then(() => say(`ready: ${url}  (Ctrl-C stops web and worker)`))
    .catch(() => (Date.now() < deadline && !stopping ? setTimeout(probe, 300) : undefined));
setTimeout(probe, 300);
