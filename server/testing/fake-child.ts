import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

/**
 * For supervision tests: an executable shell script at `file` that runs a TypeScript CLI of ours
 * (with `env` set in front), standing in for the analysis server's python or the engine binary.
 */
export function fakeExecutable(file: string, cli: string, env: Record<string, string | number> = {}) {
  const tsx = pathToFileURL(path.resolve('node_modules/tsx/dist/loader.mjs')).href; // --import resolves from the cwd otherwise
  const vars = Object.entries(env)
    .map(([k, v]) => `${k}=${v} `)
    .join('');
  fs.writeFileSync(file, `#!/bin/sh\n${vars}exec "${process.execPath}" --import "${tsx}" "${path.resolve(cli)}" "$@"\n`, { mode: 0o755 });
  return file;
}

/** What the fake CLIs appended to `starts.jsonl` in their working directory, one entry per start. */
export function startsIn<T>(dir: string): T[] {
  const file = path.join(dir, 'starts.jsonl');
  if (!fs.existsSync(file)) return [];
  return fs
    .readFileSync(file, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as T);
}

export function processAlive(pid: number) {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
