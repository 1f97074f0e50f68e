import fs from 'node:fs';
import path from 'node:path';

const found = new Map<string, string | null>();

/** The absolute path of a program on PATH, or null; remembered for the process's lifetime. */
export function findExecutable(name: string): string | null {
  if (found.has(name)) return found.get(name)!;
  let hit: string | null = null;
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, name);
    try {
      fs.accessSync(candidate, fs.constants.X_OK);
      if (fs.statSync(candidate).isFile()) {
        hit = candidate;
        break;
      }
    } catch {
      // not here
    }
  }
  found.set(name, hit);
  return hit;
}
