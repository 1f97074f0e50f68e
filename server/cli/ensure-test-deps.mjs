#!/usr/bin/env node
// Makes `npm test` work on a fresh machine: installs npm dependencies when missing and the Debian
// tools the tests use (Chromium for browser tests, ffmpeg/lame/flac/vorbis-tools and python3-mutagen
// to generate the test library) when they are missing and we are root; otherwise says exactly what to install.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const say = (m) => console.log(`\x1b[36m[mismo]\x1b[0m ${m}`);

if (!fs.existsSync(path.join(root, 'node_modules/.package-lock.json'))) {
  say('installing npm dependencies…');
  const r = spawnSync('npm', ['ci', '--include=dev', '--no-audit', '--no-fund'], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

const TOOLS = {
  chromium: 'chromium',
  ffmpeg: 'ffmpeg',
  lame: 'lame',
  flac: 'flac',
  metaflac: 'flac',
  oggenc: 'vorbis-tools',
  vorbiscomment: 'vorbis-tools',
  'systemd-analyze': 'systemd',
};
const has = (cmd) => spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
const missing = [
  ...new Set(
    Object.entries(TOOLS)
      .filter(([cmd]) => !has(cmd))
      .map(([, pkg]) => pkg),
  ),
];
// the generator tags files with mutagen, run by Debian's own python (not a pyenv or venv one)
if (spawnSync('/usr/bin/python3', ['-c', 'import mutagen'], { stdio: 'ignore' }).status !== 0) missing.push('python3-mutagen');
if (missing.length === 0) process.exit(0);
if (process.getuid?.() === 0 && has('apt-get')) {
  say(`installing Debian packages: ${missing.join(' ')}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const u = spawnSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
  const i = u.status === 0 ? spawnSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...missing], { stdio: 'inherit', env }) : u;
  process.exit(i.status ?? 1);
}
console.error(`Tests need these Debian packages: ${missing.join(' ')}\n  sudo apt-get install -y ${missing.join(' ')}`);
process.exit(1);
