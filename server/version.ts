import fs from 'node:fs';
import path from 'node:path';

let cached: string | undefined;

/** The package version, read once. */
export function appVersion(): string {
  if (cached) return cached;
  try {
    cached = (JSON.parse(fs.readFileSync(path.join(process.cwd(), 'package.json'), 'utf8')) as { version: string }).version;
  } catch {
    cached = '0.0.0';
  }
  return cached;
}
