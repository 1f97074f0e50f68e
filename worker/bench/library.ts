import fs from 'node:fs';
import path from 'node:path';
import { generateLibrary } from '@/server/testing/library/generate';

/**
 * A library of `files` audio files for benchmarks, made once and kept under `benchDir`: a few
 * hundred synthesised tracks from the project's generator, then copies with one audio byte changed
 * so every file has its own audio hash.
 */
export async function benchLibrary(files: number, benchDir: string): Promise<string> {
  const root = path.join(benchDir, `lib-${files}`);
  if (fs.existsSync(path.join(root, '.complete'))) return path.join(root, 'library');
  fs.rmSync(root, { recursive: true, force: true });
  const base = Math.min(files, 300);
  console.error(`generating ${base} synthesised tracks (5–20 s)…`);
  await generateLibrary(root, { n: base, seed: 42, seconds: [5, 20] });
  const lib = path.join(root, 'library');
  const originals = listAudio(lib).filter((f) => !f.includes('/_Broken/'));
  let made = listAudio(lib).length;
  console.error(`expanding to ${files} files (copies with one audio byte changed)…`);
  for (let i = 0; made < files; i++) {
    const src = originals[i % originals.length]!;
    const buf = fs.readFileSync(src);
    const at = Math.floor(buf.length * 0.6) + (i % 997);
    buf[at] = buf[at]! ^ 0xa5;
    const dst = path.join(lib, `_Copies/${Math.floor(i / 200)}`, `${i} ${path.basename(src)}`);
    fs.mkdirSync(path.dirname(dst), { recursive: true });
    fs.writeFileSync(dst, buf);
    made++;
  }
  fs.writeFileSync(path.join(root, '.complete'), '');
  return lib;
}

const AUDIO = /\.(mp3|flac|wav|aiff?|m4a|aac|alac|ogg|opus|wma|ape|wv)$/i;
export function listAudio(dir: string): string[] {
  const out: string[] = [];
  const stack = [dir];
  while (stack.length) {
    const d = stack.pop()!;
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      if (e.name.startsWith('.')) continue;
      const p = path.join(d, e.name);
      if (e.isDirectory()) stack.push(p);
      else if (e.isFile() && AUDIO.test(e.name)) out.push(p);
    }
  }
  return out;
}

/**
 * Copies `n` files of a generated library into `root`, `perFolder` to a crate folder, cycling
 * through its audio files (exact copies: the same audio repeats every few dozen files).
 */
export function fillFolder(root: string, from: string, n: number, perFolder = 100) {
  const sources = listAudio(from);
  for (let i = 0; i < n; i++) {
    const src = sources[i % sources.length]!;
    const dst = path.join(root, `Crate ${Math.floor(i / perFolder)}`, `${i} ${path.basename(src)}`);
    fs.mkdirSync(path.dirname(dst), { recursive: true });
    fs.copyFileSync(src, dst);
  }
}
