import fs from 'node:fs';
import path from 'node:path';
import type { XXHashAPI } from 'xxhash-wasm';
import { hashAudioFile, type AudioHashResult } from './hash';
import { storeArtwork, type StoredArtwork } from './artwork-store';
import { EXT_CONTAINER } from './formats';
import { brokenAnalysis } from './scanner-port';
import { readTags, type FormatFacts, type TrackTags } from './tags/read-tags';

export interface AnalyzeFileTask {
  absPath: string;
  relPath: string;
  dataDir: string;
}

export interface FileAnalysis {
  hash: Omit<AudioHashResult, 'bytesRead'> & { bytesRead: number };
  tags: TrackTags | null;
  facts: FormatFacts | null;
  artwork: StoredArtwork | null;
  /** Why the file cannot be played as it is; null when healthy. */
  broken: string | null;
  /** Something worth telling the DJ that does not stop playback (e.g. a misleading extension). */
  warning: string | null;
  elapsedMs: number;
  /** The file's size and mtime just after it was read (on the reading thread): a file that changed meanwhile is still being written. */
  after?: { sizeBytes: number; mtimeMs: number } | null;
}

/**
 * Everything the scanner learns about one file: the audio hash (which also checks the
 * container's structure), tags and format facts, the front cover stored once. A damaged, empty
 * or foreign file yields a `broken` reason instead of an exception.
 */
export async function analyzeFile(task: AnalyzeFileTask, xx: XXHashAPI): Promise<FileAnalysis> {
  const buffer = buffers.pop() ?? Buffer.allocUnsafe(READ_BUFFER);
  try {
    return await analyze(task, xx, buffer);
  } finally {
    if (buffers.length < 4) buffers.push(buffer);
  }
}

function statAfter(absPath: string) {
  try {
    const st = fs.statSync(absPath);
    return { sizeBytes: st.size, mtimeMs: Math.floor(st.mtimeMs) };
  } catch {
    return null; // gone already: the scan's own look says so
  }
}

/** Read buffers reused across files (a thread analyses two files at a time). */
const READ_BUFFER = (1 << 20) + (1 << 16);
const buffers: Buffer[] = [];

async function analyze(task: AnalyzeFileTask, xx: XXHashAPI, buffer: Buffer): Promise<FileAnalysis> {
  const t0 = performance.now();
  let hash: AudioHashResult;
  try {
    hash = hashAudioFile(task.absPath, xx, { buffer });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const reason =
      code === 'EACCES' ? 'unreadable: permission denied' : code === 'ENOENT' ? 'vanished while scanning' : `unreadable: ${e instanceof Error ? e.message : String(e)}`;
    return brokenAnalysis(reason, performance.now() - t0);
  }
  const ext = path.extname(task.absPath).slice(1).toLowerCase();
  const warning =
    hash.container !== 'unknown' && EXT_CONTAINER[ext] && EXT_CONTAINER[ext] !== hash.container
      ? `the file is ${hash.container.toUpperCase()} audio but its name ends in .${ext}`
      : null;
  const structural = hash.problems.find((p) => !p.startsWith('unrecognised'));
  let broken: string | null = structural ?? null;
  let tags: TrackTags | null = null;
  let facts: FormatFacts | null = null;
  let artwork: StoredArtwork | null = null;
  if (hash.method !== 'empty') {
    const r = await readTags(task.absPath, task.relPath, hash);
    hash.wholeFile = undefined; // the buffer goes back to the pool; never ship it to the main thread
    if (r.ok) {
      tags = r.tags;
      facts = r.facts;
      if (r.picture) artwork = await storeArtwork(task.dataDir, r.picture, xx);
    } else if (!broken) broken = hash.container === 'unknown' ? `not an audio file (${r.reason})` : r.reason;
  } else broken = 'empty file (0 bytes)';
  // an audio extension whose bytes match no audio container is not playable, whatever a lenient parser says
  if (!broken && hash.container === 'unknown' && (EXT_CONTAINER[ext] || !facts)) broken = 'not an audio file: no recognisable audio stream';
  return { hash, tags, facts, artwork, broken, warning, elapsedMs: performance.now() - t0, after: statAfter(task.absPath) };
}
