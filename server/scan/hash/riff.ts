import { ascii, type FileWindow } from './reader';

export interface PcmLayout {
  range: [number, number] | null;
  problem?: string;
}

/** WAV (RIFF/RF64): the `data` chunk's payload. LIST/INFO, id3 and other chunks are tags. */
export function wavLayout(w: FileWindow): PcmLayout {
  const isRf64 = ascii(w.at(0, 4)) === 'RF64';
  let dataSize64: number | null = null;
  let pos = 12;
  while (pos + 8 <= w.size) {
    const h = w.at(pos, 36);
    const id = ascii(h, 0, 4);
    let size = h.readUInt32LE(4);
    if (isRf64 && id === 'ds64' && h.length >= 24) dataSize64 = Number(h.readBigUInt64LE(16));
    if (id === 'data') {
      if (size === 0xffffffff && dataSize64 !== null) size = dataSize64;
      const start = pos + 8;
      if (start + size > w.size) return { range: [start, w.size], problem: `truncated: the audio data stops ${start + size - w.size} bytes early` };
      return { range: [start, start + size] };
    }
    if (!/^[\x20-\x7e]{4}$/.test(id)) return { range: null, problem: `corrupt: invalid WAV chunk at byte ${pos}` };
    pos += 8 + size + (size % 2);
  }
  return { range: null, problem: 'corrupt: WAV file without audio data' };
}

/** AIFF/AIFC: the sound data of the `SSND` chunk (after its offset and block-size fields). */
export function aiffLayout(w: FileWindow): PcmLayout {
  let pos = 12;
  while (pos + 8 <= w.size) {
    const h = w.at(pos, 16);
    const id = ascii(h, 0, 4);
    const size = h.readUInt32BE(4);
    if (id === 'SSND') {
      const offset = h.length >= 12 ? h.readUInt32BE(8) : 0;
      const start = pos + 16 + offset;
      const end = pos + 8 + size;
      if (end > w.size) return { range: [Math.min(start, w.size), w.size], problem: `truncated: the audio data stops ${end - w.size} bytes early` };
      return { range: [start, end] };
    }
    if (!/^[\x20-\x7e]{4}$/.test(id)) return { range: null, problem: `corrupt: invalid AIFF chunk at byte ${pos}` };
    pos += 8 + size + (size % 2);
  }
  return { range: null, problem: 'corrupt: AIFF file without sound data' };
}

export const isWav = (b: Buffer) => (ascii(b, 0, 4) === 'RIFF' || ascii(b, 0, 4) === 'RF64') && ascii(b, 8, 12) === 'WAVE';
export const isAiff = (b: Buffer) => ascii(b, 0, 4) === 'FORM' && (ascii(b, 8, 12) === 'AIFF' || ascii(b, 8, 12) === 'AIFC');
