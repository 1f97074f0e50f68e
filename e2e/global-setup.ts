import { execFileSync } from 'node:child_process';
import path from 'node:path';

/** Builds the web app once (the launcher skips the build when nothing changed). */
export default function globalSetup() {
  const root = path.resolve(import.meta.dirname, '..');
  execFileSync(process.execPath, ['server/cli/build-if-stale.mjs'], { cwd: root, stdio: 'inherit' });
}
