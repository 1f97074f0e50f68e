#!/usr/bin/env node
// Builds the web app when any source is newer than the last build (used by tests and the launcher).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const SOURCES = ['app', 'server', 'drizzle', 'next.config.mjs', 'postcss.config.mjs', 'package.json', 'tsconfig.json'];

function newestMtime(p) {
  let st;
  try {
    st = fs.statSync(p);
  } catch {
    return 0;
  }
  if (!st.isDirectory()) return st.mtimeMs;
  let max = st.mtimeMs;
  for (const e of fs.readdirSync(p)) if (e !== 'node_modules' && !e.startsWith('.')) max = Math.max(max, newestMtime(path.join(p, e)));
  return max;
}

export function buildIfStale({ log = console.log } = {}) {
  const buildId = path.join(root, '.next/BUILD_ID');
  const built = fs.existsSync(buildId) ? fs.statSync(buildId).mtimeMs : 0;
  const sources = Math.max(...SOURCES.map((p) => newestMtime(path.join(root, p))));
  if (sources <= built) return false;
  log('building the web app…');
  const r = spawnSync(process.execPath, ['node_modules/next/dist/bin/next', 'build'], {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1', NODE_ENV: 'production' },
  });
  if (r.status !== 0) throw new Error(`next build failed (exit ${r.status})`);
  return true;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) buildIfStale();
