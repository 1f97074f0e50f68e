import type { FileWindow } from './reader';

const BITRATES: Record<string, number[]> = {
  V1L1: [0, 32, 64, 96, 128, 160, 192, 224, 256, 288, 320, 352, 384, 416, 448],
  V1L2: [0, 32, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384],
  V1L3: [0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320],
  V2L1: [0, 32, 48, 56, 64, 80, 96, 112, 128, 144, 160, 176, 192, 224, 256],
  V2L2: [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160],
  V2L3: [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160],
};
const RATES: Record<number, number[]> = { 3: [44100, 48000, 32000], 2: [22050, 24000, 16000], 0: [11025, 12000, 8000] };

/** Length of the MPEG audio frame (layers I–III) whose header is at b[o], or null. */
export function mpegFrameLength(b: Buffer, o: number): number | null {
  if (o + 4 > b.length || b[o] !== 0xff || (b[o + 1]! & 0xe0) !== 0xe0) return null;
  const version = (b[o + 1]! >> 3) & 3; // 3 = MPEG1, 2 = MPEG2, 0 = MPEG2.5
  const layer = (b[o + 1]! >> 1) & 3; // 3 = I, 2 = II, 1 = III
  const bIdx = b[o + 2]! >> 4;
  const sIdx = (b[o + 2]! >> 2) & 3;
  if (version === 1 || layer === 0 || bIdx === 0 || bIdx === 15 || sIdx === 3) return null;
  const pad = (b[o + 2]! >> 1) & 1;
  const l = layer === 3 ? 1 : layer === 2 ? 2 : 3;
  const kbps = BITRATES[`${version === 3 ? 'V1' : 'V2'}L${l}`]![bIdx]!;
  const sr = RATES[version]![sIdx]!;
  const length = l === 1 ? Math.floor((12 * kbps * 1000) / sr + pad) * 4 : Math.floor(((l === 3 && version !== 3 ? 72 : 144) * kbps * 1000) / sr) + pad;
  return length >= 24 ? length : null;
}

/**
 * The frame and byte counts an encoder declared in the first frame (LAME/Xing "Xing" or "Info",
 * Fraunhofer "VBRI"). A file with fewer frames than declared was cut short, even when the cut
 * fell exactly between two frames.
 */
export function declaredCounts(b: Buffer, o: number): { frames: number | null; bytes: number | null } | null {
  if (mpegFrameLength(b, o) === null) return null;
  const version = (b[o + 1]! >> 3) & 3;
  const mono = b[o + 3]! >> 6 === 3;
  const xingAt = o + 4 + (version === 3 ? (mono ? 17 : 32) : mono ? 9 : 17);
  const tag = b.toString('latin1', xingAt, xingAt + 4);
  if ((tag === 'Xing' || tag === 'Info') && xingAt + 16 <= b.length) {
    const flags = b.readUInt32BE(xingAt + 4);
    const frames = flags & 1 ? b.readUInt32BE(xingAt + 8) : null;
    const bytes = flags & 2 ? b.readUInt32BE(xingAt + 8 + (flags & 1 ? 4 : 0)) : null;
    return { frames, bytes };
  }
  const vbri = o + 36;
  if (b.toString('latin1', vbri, vbri + 4) === 'VBRI' && vbri + 18 <= b.length) return { bytes: b.readUInt32BE(vbri + 10), frames: b.readUInt32BE(vbri + 14) };
  return null;
}

/** Samples per frame and sample rate of the MPEG frame at b[o]. */
export function mpegFrameInfo(b: Buffer, o: number): { samplesPerFrame: number; sampleRate: number } | null {
  if (mpegFrameLength(b, o) === null) return null;
  const version = (b[o + 1]! >> 3) & 3;
  const layer = (b[o + 1]! >> 1) & 3;
  const sampleRate = RATES[version]![(b[o + 2]! >> 2) & 3]!;
  const samplesPerFrame = layer === 3 ? 384 : layer === 2 ? 1152 : version === 3 ? 1152 : 576;
  return { samplesPerFrame, sampleRate };
}

const ADTS_RATES = [96000, 88200, 64000, 48000, 44100, 32000, 24000, 22050, 16000, 12000, 11025, 8000, 7350];

/** ADTS frames carry 1024 samples (per raw data block) at the header's sample rate. */
export function adtsFrameInfo(b: Buffer, o: number): { samplesPerFrame: number; sampleRate: number } | null {
  if (adtsFrameLength(b, o) === null) return null;
  const sampleRate = ADTS_RATES[(b[o + 2]! >> 2) & 0x0f];
  return sampleRate ? { samplesPerFrame: 1024 * ((b[o + 6]! & 3) + 1), sampleRate } : null;
}

/** Length of the ADTS (AAC) frame whose header is at b[o], or null. */
export function adtsFrameLength(b: Buffer, o: number): number | null {
  if (o + 7 > b.length || b[o] !== 0xff || (b[o + 1]! & 0xf6) !== 0xf0) return null;
  const len = ((b[o + 3]! & 3) << 11) | (b[o + 4]! << 3) | (b[o + 5]! >> 5);
  return len >= 7 ? len : null;
}

export interface WalkResult {
  frames: number;
  /** Samples per frame and sample rate of the first frame, for an exact duration. */
  samplesPerFrame: number;
  sampleRate: number;
  /** Bytes between frames that were not audio (damage, or junk). */
  skippedBytes: number;
  firstGapAt: number | null;
  truncated: boolean;
  found: boolean;
  /** Offset of the first frame (where an Xing/Info/VBRI header would be). */
  firstFrameAt: number | null;
}

/**
 * Checks that [start, end) is a contiguous run of frames, fed chunk by chunk (`advance`) while
 * the same bytes are hashed. A frame that does not begin where the previous one ended means
 * damage (the walk resynchronises on three consecutive good frames); a last frame longer than
 * the bytes left means the file was cut short.
 */
export class FrameWalker {
  private pos: number;
  private started = false;
  private gapStart: number | null = null;
  readonly res: WalkResult = { frames: 0, samplesPerFrame: 0, sampleRate: 0, skippedBytes: 0, firstGapAt: null, truncated: false, found: false, firstFrameAt: null };

  constructor(
    private readonly w: FileWindow,
    private readonly start: number,
    private readonly end: number,
    private readonly parse: (b: Buffer, o: number) => number | null,
    private readonly describe?: (b: Buffer, o: number) => { samplesPerFrame: number; sampleRate: number } | null,
  ) {
    this.pos = start;
  }

  private lenAt(o: number): number | null {
    if (o + 8 > this.end) return null;
    // fast path: the bytes are usually in the window already
    if (o >= this.w.residentStart && o + 8 <= this.w.residentEnd) return this.parse(this.w.buffer, o - this.w.residentStart);
    const i = this.w.locate(o, 8);
    return i < 0 ? null : this.parse(this.w.buffer, i);
  }

  private chainOk(o: number): boolean {
    let p = o;
    for (let k = 0; k < 3; k++) {
      const l = this.lenAt(p);
      if (l === null) return k > 0 && p >= this.end - 8;
      p += l;
    }
    return true;
  }

  /** Processes frames that start before `limit`. */
  advance(limit: number) {
    const stop = Math.min(limit, this.end);
    if (!this.started) {
      const searchEnd = Math.min(this.end, this.start + 65536);
      if (stop < searchEnd && stop < this.end) return; // wait until the search window is resident
      while (this.pos < searchEnd && !(this.lenAt(this.pos) !== null && this.chainOk(this.pos))) this.pos++;
      this.started = true;
      if (this.pos >= searchEnd) {
        this.res.skippedBytes = this.end - this.start;
        this.res.firstGapAt = this.start;
        this.pos = this.end;
        return;
      }
      this.res.found = true;
      this.res.firstFrameAt = this.pos;
      this.res.skippedBytes += this.pos - this.start;
      const i = this.w.locate(this.pos, 8);
      const d = i >= 0 ? this.describe?.(this.w.buffer, i) : null;
      if (d) Object.assign(this.res, d);
    }
    while (this.pos < stop && !this.res.truncated) {
      if (this.gapStart !== null) {
        if (this.pos >= this.end - 8) {
          this.res.skippedBytes += this.end - this.gapStart;
          this.gapStart = null;
          this.pos = this.end;
          return;
        }
        if (this.lenAt(this.pos) !== null && this.chainOk(this.pos)) {
          this.res.skippedBytes += this.pos - this.gapStart;
          this.gapStart = null;
        } else this.pos++;
        continue;
      }
      const len = this.lenAt(this.pos);
      if (len !== null) {
        if (this.pos + len > this.end) {
          this.res.truncated = true;
          return;
        }
        this.res.frames++;
        this.pos += len;
        continue;
      }
      if (this.end - this.pos < 8) {
        this.pos = this.end; // a few stray bytes at the very end: padding, not damage
        return;
      }
      this.res.firstGapAt ??= this.pos;
      this.gapStart = this.pos;
      this.pos++;
    }
  }
}
