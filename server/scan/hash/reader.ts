import fs from 'node:fs';

/**
 * Random-access reads over an open file through one reusable window, so parsers can look at
 * small headers anywhere without a syscall each time, and payloads stream in big chunks.
 */
export class FileWindow {
  buffer: Buffer;
  private winStart = 0;
  private winLen = 0;
  /** Bytes read from disk, for throughput figures. */
  bytesRead = 0;

  /** File offset of buffer[0] and how many bytes are resident. */
  get residentStart() {
    return this.winStart;
  }
  get residentEnd() {
    return this.winStart + this.winLen;
  }

  constructor(
    readonly fd: number,
    readonly size: number,
    /** A buffer to reuse (one per thread), so no file allocates its own. */
    buffer?: Buffer,
    readonly chunkBytes = 1 << 20,
    /** Extra bytes loaded past each chunk so parsers can look ahead without a reload. */
    readonly lookahead = 1 << 16,
  ) {
    this.buffer = buffer && buffer.length >= chunkBytes + lookahead ? buffer : Buffer.allocUnsafe(chunkBytes + lookahead);
  }

  /**
   * Makes [offset, offset+len) (clipped to EOF) resident and returns its index in `buffer`,
   * or -1 when offset is past EOF.
   */
  locate(offset: number, len: number): number {
    if (offset < 0 || offset >= this.size) return -1;
    const end = Math.min(offset + len, this.size);
    if (offset >= this.winStart && end <= this.winStart + this.winLen) return offset - this.winStart;
    if (end - offset > this.buffer.length) this.buffer = Buffer.allocUnsafe(end - offset);
    const n = fs.readSync(this.fd, this.buffer, 0, Math.min(this.buffer.length, this.size - offset), offset);
    this.bytesRead += n;
    this.winStart = offset;
    this.winLen = n;
    return 0;
  }

  /** A copy-free view of `len` bytes at `offset` (fewer at EOF), valid until the next read. */
  at(offset: number, len: number): Buffer {
    const i = this.locate(offset, len);
    if (i < 0) return this.buffer.subarray(0, 0);
    return this.buffer.subarray(i, i + Math.min(len, this.size - offset));
  }

  /**
   * Calls `fn` with consecutive chunks covering [start, end); look-ahead bytes stay resident.
   * Bytes already in the window are used as they are, not read again.
   */
  forEachChunk(start: number, end: number, fn: (chunk: Buffer, offset: number) => void, signal?: AbortSignal) {
    const stop = Math.min(end, this.size);
    for (let pos = Math.max(0, start); pos < stop;) {
      if (signal?.aborted) throw new Error('aborted');
      const len = Math.min(this.chunkBytes, stop - pos);
      let i: number;
      let n = len;
      if (pos >= this.winStart && pos < this.winStart + this.winLen) {
        i = pos - this.winStart;
        n = Math.min(len, this.winStart + this.winLen - pos);
      } else i = this.locate(pos, len + this.lookahead);
      fn(this.buffer.subarray(i, i + n), pos);
      pos += n;
    }
  }

  /** The whole file, when it is entirely in the window (small files): no second read needed. */
  wholeFile(): Buffer | null {
    return this.winStart === 0 && this.winLen === this.size ? this.buffer.subarray(0, this.size) : null;
  }
}

export const ascii = (b: Buffer, start = 0, end = b.length) => b.toString('latin1', start, end);
