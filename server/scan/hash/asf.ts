import type { FileWindow } from './reader';

const HEADER = Buffer.from('3026b2758e66cf11a6d900aa0062ce6c', 'hex');
const DATA = Buffer.from('3626b2758e66cf11a6d900aa0062ce6c', 'hex');

export const isAsf = (b: Buffer) => b.length >= 16 && b.subarray(0, 16).equals(HEADER);

/** WMA/ASF: the Data Object's packets (after its 50-byte header); tags live in the Header Object. */
export function asfLayout(w: FileWindow): { range: [number, number] | null; problem?: string } {
  let pos = 0;
  while (pos + 24 <= w.size) {
    const h = w.at(pos, 24);
    const size = Number(h.readBigUInt64LE(16));
    if (size < 24) return { range: null, problem: `corrupt: invalid ASF object at byte ${pos}` };
    if (h.subarray(0, 16).equals(DATA)) {
      const start = pos + 50;
      if (pos + size > w.size) return { range: [start, w.size], problem: `truncated: the audio data stops ${pos + size - w.size} bytes early` };
      return { range: [start, pos + size] };
    }
    pos += size;
  }
  return { range: null, problem: 'corrupt: WMA file without audio data' };
}
