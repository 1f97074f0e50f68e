import { ascii, type FileWindow } from './reader';

/** ID3v2 tag size: header (10) + synchsafe size + footer (10) when flagged. */
export function id3v2Length(h: Buffer): number | null {
  if (h.length < 10 || ascii(h, 0, 3) !== 'ID3' || h[3]! > 4 || h[3] === 0xff) return null;
  for (let i = 6; i < 10; i++) if (h[i]! & 0x80) return null;
  const size = (h[6]! << 21) | (h[7]! << 14) | (h[8]! << 7) | h[9]!;
  return 10 + size + (h[5]! & 0x10 ? 10 : 0);
}

/** Skips every leading ID3v2 tag; returns where the content starts, or null if a tag is impossible. */
export function skipLeadingId3(w: FileWindow, start = 0): { start: number; corrupt: boolean } {
  let pos = start;
  for (let guard = 0; guard < 8; guard++) {
    const len = id3v2Length(w.at(pos, 10));
    if (len === null) break;
    if (pos + len > w.size) return { start: pos, corrupt: true };
    pos += len;
  }
  return { start: pos, corrupt: false };
}

/**
 * Strips trailing tag blocks in any order: ID3v1 (and TAG+), APEv2 (with its header), Lyrics3
 * v1/v2, and an appended ID3v2 (footer "3DI"). Returns the new end of the content.
 */
export function stripTrailingTags(w: FileWindow, start: number, end: number): number {
  for (let guard = 0; guard < 8 && end - start > 0; guard++) {
    const before = end;
    if (end - start >= 128 && ascii(w.at(end - 128, 3)) === 'TAG') {
      end -= 128;
      if (end - start >= 227 && ascii(w.at(end - 227, 4)) === 'TAG+') end -= 227;
    }
    if (end - start >= 32) {
      const f = w.at(end - 32, 32);
      if (ascii(f, 0, 8) === 'APETAGEX') {
        const size = f.readUInt32LE(12);
        const hasHeader = (f.readUInt32LE(20) & 0x80000000) !== 0;
        const total = size + (hasHeader ? 32 : 0);
        if (total <= end - start) end -= total;
      }
    }
    if (end - start >= 15) {
      const t = ascii(w.at(end - 15, 15));
      if (t.endsWith('LYRICS200') && /^\d{6}$/.test(t.slice(0, 6))) {
        const total = Number(t.slice(0, 6)) + 15;
        if (total <= end - start) end -= total;
      } else if (t.endsWith('LYRICSEND')) {
        const from = Math.max(start, end - 5100);
        const idx = ascii(w.at(from, end - from)).lastIndexOf('LYRICSBEGIN');
        if (idx >= 0) end = from + idx;
      }
    }
    if (end - start >= 10) {
      const f = w.at(end - 10, 10);
      if (ascii(f, 0, 3) === '3DI') {
        const size = (f[6]! << 21) | (f[7]! << 14) | (f[8]! << 7) | f[9]!;
        if (size + 20 <= end - start) end -= size + 20;
      }
    }
    if (end === before) break;
  }
  return end;
}
