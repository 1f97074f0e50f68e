import fs from 'node:fs';
import type { XXHashAPI } from 'xxhash-wasm';
import { asfLayout, isAsf } from './asf';
import { flacLayout, flacLooksTruncated, isFlac } from './flac';
import { FrameWalker, adtsFrameInfo, adtsFrameLength, declaredCounts, mpegFrameInfo, mpegFrameLength } from './mpeg';
import { isMp4, mp4Layout } from './mp4';
import { hashOgg, isOgg } from './ogg';
import { ascii, FileWindow } from './reader';
import { aiffLayout, isAiff, isWav, wavLayout } from './riff';
import { skipLeadingId3, stripTrailingTags } from './tags';

export type Container = 'mp3' | 'aac' | 'flac' | 'mp4' | 'ogg' | 'wav' | 'aiff' | 'asf' | 'ape' | 'wavpack' | 'unknown';

export interface AudioHashResult {
  /** XXH64 (seed 0) of the audio payload, 16 lower-case hex digits. */
  audioHash: string;
  /** XXH64 of size + first MiB + last MiB of the file: for screening, never the identity. */
  quickHash: string;
  /** What was hashed, e.g. "mp3-frames", or "whole-file" when the container is unknown. */
  method: string;
  /** The container found from the bytes (not the extension). */
  container: Container;
  payloadBytes: number;
  bytesRead: number;
  /** Integrity findings ("truncated: …", "corrupt: …"); empty for a healthy file. */
  problems: string[];
  /** Exact duration where the walk over frames or pages gives it (MP3, AAC, Ogg). */
  durationSec?: number;
  /** The whole file when it fitted in the read buffer (valid until the buffer is reused). */
  wholeFile?: Buffer;
  /**
   * Where the tags live, so a tag reader can skip the audio: bytes [0, head) and [tail, size).
   * Absent when the container's tags may sit anywhere (MP4, RIFF, AIFF, ASF).
   */
  tagRegions?: { head: number; tail: number; size: number };
}

const QUICK = 1 << 20;
const hex = (d: bigint) => d.toString(16).padStart(16, '0');

/** Identifies the container from its first bytes (after any ID3v2 tags). */
export function detectContainer(head: Buffer, afterId3: Buffer): Container {
  if (isFlac(head) || isFlac(afterId3)) return 'flac';
  if (isWav(head)) return 'wav';
  if (isAiff(head)) return 'aiff';
  if (isMp4(head)) return 'mp4';
  if (isOgg(head)) return 'ogg';
  if (isAsf(head)) return 'asf';
  if (ascii(afterId3, 0, 4) === 'MAC ') return 'ape';
  if (ascii(afterId3, 0, 4) === 'wvpk') return 'wavpack';
  for (let i = 0; i + 8 <= afterId3.length && i < 4096; i++) {
    if (afterId3[i] !== 0xff) continue;
    if (adtsFrameLength(afterId3, i) !== null && adtsFrameLength(afterId3, i + adtsFrameLength(afterId3, i)!) !== null) return 'aac';
    const l = mpegFrameLength(afterId3, i);
    if (l !== null && mpegFrameLength(afterId3, i + l) !== null) return 'mp3';
  }
  return 'unknown';
}

/** What a container's hashing needs: the file, where its audio may start, and sinks for bytes and problems. */
interface PayloadContext {
  w: FileWindow;
  size: number;
  /** The first byte after any leading ID3v2 tags. */
  audioStart: number;
  head: Buffer;
  problems: string[];
  signal?: AbortSignal;
  feed: (b: Buffer) => void;
  hashRange: (start: number, end: number, onChunk?: (chunkEnd: number) => void) => void;
}

interface PayloadResult {
  method: string;
  durationSec?: number;
  tagRegions?: AudioHashResult['tagRegions'];
}

/** Tags before `audioStart` and after `audioEnd`, plus a little audio so parsers see real frames. */
const regions = (size: number, audioStart: number, audioEnd: number) => ({
  head: Math.min(size, audioStart + 16_384),
  tail: Math.max(audioStart, Math.min(audioEnd, size - 4096)),
  size,
});

/** MP3 and ADTS AAC: walks the frames while hashing them, so damage and truncation are found on the way. */
function hashFrames(ctx: PayloadContext, container: 'mp3' | 'aac'): PayloadResult {
  const { w, size, audioStart, problems } = ctx;
  const end = stripTrailingTags(w, audioStart, size);
  const mp3 = container === 'mp3';
  const walker = new FrameWalker(w, audioStart, end, mp3 ? mpegFrameLength : adtsFrameLength, mp3 ? mpegFrameInfo : adtsFrameInfo);
  ctx.hashRange(audioStart, end, (chunkEnd) => walker.advance(chunkEnd));
  walker.advance(end);
  const r = walker.res;
  const damaged = r.found && r.skippedBytes > Math.max(4096, (end - audioStart) * 0.01);
  if (!r.found) problems.push(`corrupt: no ${container.toUpperCase()} audio frames found`);
  else if (damaged) problems.push(`corrupt: ${r.skippedBytes} bytes of damaged audio (first at byte ${r.firstGapAt})`);
  else if (r.truncated) problems.push('truncated: the last audio frame is cut off');
  else if (mp3 && r.firstFrameAt !== null) {
    // the encoder's own count catches a cut that fell exactly between two frames
    const declared = declaredCounts(w.at(r.firstFrameAt, 200), 0);
    if (declared?.frames && r.frames - 1 < declared.frames - 1) problems.push(`truncated: ${r.frames - 1} of the ${declared.frames} audio frames the encoder wrote`);
  }
  return {
    method: `${container}-frames`,
    durationSec: r.sampleRate ? (r.frames * r.samplesPerFrame) / r.sampleRate : undefined,
    tagRegions: r.found && !r.truncated ? regions(size, audioStart, end) : undefined,
  };
}

function hashFlac(ctx: PayloadContext): PayloadResult {
  const { w, size, problems } = ctx;
  const layout = flacLayout(w, isFlac(ctx.head) ? 0 : ctx.audioStart);
  if (layout.problem) problems.push(layout.problem);
  const end = stripTrailingTags(w, layout.audioStart, size);
  ctx.hashRange(layout.audioStart, end);
  if (!layout.problem && flacLooksTruncated(w, layout, end)) problems.push('truncated: the last FLAC frames are missing');
  return { method: 'flac-frames', tagRegions: layout.problem ? undefined : regions(size, layout.audioStart, end) };
}

function hashMp4(ctx: PayloadContext): PayloadResult {
  const layout = mp4Layout(ctx.w);
  if (layout.problem) ctx.problems.push(layout.problem);
  for (const [s, e] of layout.mdat) ctx.hashRange(s, e);
  if (layout.mdat.length === 0) ctx.problems.push('corrupt: MP4 file without audio data');
  return { method: 'mp4-mdat' };
}

function hashOggPayload(ctx: PayloadContext): PayloadResult {
  const r = hashOgg(ctx.w, 0, ctx.size, ctx.feed, ctx.signal);
  if (r.problem) ctx.problems.push(r.problem);
  const tagRegions = !r.problem && r.firstAudioPage !== undefined ? { head: r.firstAudioPage, tail: ctx.size, size: ctx.size } : undefined;
  return { method: 'ogg-packets', durationSec: r.durationSec, tagRegions };
}

/** WAV, AIFF and ASF: one data chunk whose place the container's layout names. */
function hashChunked(ctx: PayloadContext, container: 'wav' | 'aiff' | 'asf'): PayloadResult {
  const layout = container === 'wav' ? wavLayout(ctx.w) : container === 'aiff' ? aiffLayout(ctx.w) : asfLayout(ctx.w);
  if (layout.problem) ctx.problems.push(layout.problem);
  if (layout.range) ctx.hashRange(layout.range[0], layout.range[1]);
  return { method: container === 'wav' ? 'riff-data' : container === 'aiff' ? 'aiff-ssnd' : 'asf-data' };
}

function hashPayload(ctx: PayloadContext, container: Container): PayloadResult {
  switch (container) {
    case 'mp3':
    case 'aac':
      return hashFrames(ctx, container);
    case 'flac':
      return hashFlac(ctx);
    case 'mp4':
      return hashMp4(ctx);
    case 'ogg':
      return hashOggPayload(ctx);
    case 'wav':
    case 'aiff':
    case 'asf':
      return hashChunked(ctx, container);
    case 'ape':
    case 'wavpack': {
      const end = stripTrailingTags(ctx.w, ctx.audioStart, ctx.size);
      ctx.hashRange(ctx.audioStart, end);
      return { method: `${container}-stripped`, tagRegions: regions(ctx.size, ctx.audioStart, end) };
    }
    case 'unknown':
      ctx.hashRange(0, ctx.size);
      ctx.problems.push('unrecognised: not a known audio container (hashed the whole file)');
      return { method: 'whole-file' };
  }
}

/**
 * Hashes the audio payload of a file (PROTOCOLS.md A4): tags, cover art and padding are left out,
 * so re-tagging never changes the result, while any change to the audio does. Streams the file in
 * 1 MiB chunks through one buffer and checks the container's structure on the way (truncation,
 * damage). Synchronous: call it from a worker thread.
 */
export function hashAudioFile(absPath: string, xx: XXHashAPI, opts: { signal?: AbortSignal; buffer?: Buffer } = {}): AudioHashResult {
  const signal = opts.signal;
  const fd = fs.openSync(absPath, 'r');
  try {
    const size = fs.fstatSync(fd).size;
    const w = new FileWindow(fd, size, opts.buffer);
    const payload = xx.create64();
    let payloadBytes = 0;
    const feed = (b: Buffer) => {
      payload.update(b);
      payloadBytes += b.length;
    };
    const hashRange = (start: number, end: number, onChunk?: (chunkEnd: number) => void) =>
      w.forEachChunk(
        start,
        end,
        (chunk, off) => {
          feed(chunk);
          onChunk?.(off + chunk.length);
        },
        signal,
      );

    // quick hash: size, first MiB (now), last MiB (at the end, when the window already holds it)
    const quick = xx.create64();
    const sizeBytes = Buffer.alloc(8);
    sizeBytes.writeBigUInt64LE(BigInt(size));
    quick.update(sizeBytes);
    quick.update(w.at(0, Math.min(QUICK, size)));
    const quickDigest = () => {
      if (size > QUICK) quick.update(w.at(Math.max(QUICK, size - QUICK), size - Math.max(QUICK, size - QUICK)));
      return hex(quick.digest());
    };

    if (size === 0) {
      const problems = ['empty: the file has no content'];
      return { audioHash: hex(payload.digest()), quickHash: quickDigest(), method: 'empty', container: 'unknown', payloadBytes: 0, bytesRead: 0, problems };
    }

    const head = Buffer.from(w.at(0, 64));
    const problems: string[] = [];
    const id3 = skipLeadingId3(w);
    if (id3.corrupt) problems.push('corrupt: the ID3 tag claims to be larger than the file');
    const container = detectContainer(head, Buffer.from(w.at(id3.start, 8192)));
    const { method, durationSec, tagRegions } = hashPayload({ w, size, audioStart: id3.start, head, problems, signal, feed, hashRange }, container);
    const quickHash = quickDigest();
    return {
      audioHash: hex(payload.digest()),
      quickHash,
      method,
      container,
      payloadBytes,
      bytesRead: w.bytesRead,
      problems,
      durationSec,
      tagRegions,
      wholeFile: w.wholeFile() ?? undefined,
    };
  } finally {
    fs.closeSync(fd);
  }
}
