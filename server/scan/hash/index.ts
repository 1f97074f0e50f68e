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
    const problems: string[] = [];
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

    if (size === 0)
      return {
        audioHash: hex(payload.digest()),
        quickHash: quickDigest(),
        method: 'empty',
        container: 'unknown',
        payloadBytes: 0,
        bytesRead: 0,
        problems: ['empty: the file has no content'],
      };

    const head = Buffer.from(w.at(0, 64));
    const id3 = skipLeadingId3(w);
    if (id3.corrupt) problems.push('corrupt: the ID3 tag claims to be larger than the file');
    const afterId3 = Buffer.from(w.at(id3.start, 8192));
    const container = detectContainer(head, afterId3);
    let method: string = container;
    let durationSec: number | undefined;
    let tagRegions: AudioHashResult['tagRegions'];
    /** Tags before `audioStart` and after `audioEnd`, plus a little audio so parsers see real frames. */
    const regions = (audioStart: number, audioEnd: number) => ({ head: Math.min(size, audioStart + 16_384), tail: Math.max(audioStart, Math.min(audioEnd, size - 4096)), size });

    switch (container) {
      case 'mp3':
      case 'aac': {
        const end = stripTrailingTags(w, id3.start, size);
        const walker = new FrameWalker(w, id3.start, end, container === 'mp3' ? mpegFrameLength : adtsFrameLength, container === 'mp3' ? mpegFrameInfo : adtsFrameInfo);
        hashRange(id3.start, end, (chunkEnd) => walker.advance(chunkEnd));
        walker.advance(end);
        const r = walker.res;
        const damaged = r.found && r.skippedBytes > Math.max(4096, (end - id3.start) * 0.01);
        if (!r.found) problems.push(`corrupt: no ${container.toUpperCase()} audio frames found`);
        else if (damaged) problems.push(`corrupt: ${r.skippedBytes} bytes of damaged audio (first at byte ${r.firstGapAt})`);
        else if (r.truncated) problems.push('truncated: the last audio frame is cut off');
        else if (container === 'mp3' && r.firstFrameAt !== null) {
          // the encoder's own count catches a cut that fell exactly between two frames
          const declared = declaredCounts(w.at(r.firstFrameAt, 200), 0);
          if (declared?.frames && r.frames - 1 < declared.frames - 1) problems.push(`truncated: ${r.frames - 1} of the ${declared.frames} audio frames the encoder wrote`);
        }
        method = `${container}-frames`;
        if (r.sampleRate) durationSec = (r.frames * r.samplesPerFrame) / r.sampleRate;
        if (r.found && !r.truncated) tagRegions = regions(id3.start, end);
        break;
      }
      case 'flac': {
        const layout = flacLayout(w, isFlac(head) ? 0 : id3.start);
        if (layout.problem) problems.push(layout.problem);
        const end = stripTrailingTags(w, layout.audioStart, size);
        hashRange(layout.audioStart, end);
        if (!layout.problem && flacLooksTruncated(w, layout, end)) problems.push('truncated: the last FLAC frames are missing');
        method = 'flac-frames';
        if (!layout.problem) tagRegions = regions(layout.audioStart, end);
        break;
      }
      case 'mp4': {
        const layout = mp4Layout(w);
        if (layout.problem) problems.push(layout.problem);
        for (const [s, e] of layout.mdat) hashRange(s, e);
        if (layout.mdat.length === 0) problems.push('corrupt: MP4 file without audio data');
        method = 'mp4-mdat';
        break;
      }
      case 'ogg': {
        const r = hashOgg(w, 0, size, feed, signal);
        if (r.problem) problems.push(r.problem);
        durationSec = r.durationSec;
        if (!r.problem && r.firstAudioPage !== undefined) tagRegions = { head: r.firstAudioPage, tail: size, size };
        method = 'ogg-packets';
        break;
      }
      case 'wav':
      case 'aiff':
      case 'asf': {
        const layout = container === 'wav' ? wavLayout(w) : container === 'aiff' ? aiffLayout(w) : asfLayout(w);
        if (layout.problem) problems.push(layout.problem);
        if (layout.range) hashRange(layout.range[0], layout.range[1]);
        method = container === 'wav' ? 'riff-data' : container === 'aiff' ? 'aiff-ssnd' : 'asf-data';
        break;
      }
      case 'ape':
      case 'wavpack': {
        const end = stripTrailingTags(w, id3.start, size);
        hashRange(id3.start, end);
        method = `${container}-stripped`;
        tagRegions = regions(id3.start, end);
        break;
      }
      case 'unknown':
        hashRange(0, size);
        method = 'whole-file';
        problems.push('unrecognised: not a known audio container (hashed the whole file)');
        break;
    }
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
