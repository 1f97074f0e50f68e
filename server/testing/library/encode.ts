import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import { promisify } from 'node:util';
import { wavBytes } from './wav';

const run = promisify(execFile);

/** Formats the generator can produce, by id → file extension. */
export const FORMATS = {
  'mp3-cbr320': 'mp3',
  'mp3-v0': 'mp3',
  'mp3-cbr128': 'mp3',
  flac: 'flac',
  'm4a-aac': 'm4a',
  'm4a-alac': 'm4a',
  ogg: 'ogg',
  opus: 'opus',
  wav: 'wav',
  wav24: 'wav',
  aiff: 'aiff',
  wma: 'wma',
  wv: 'wv',
  aac: 'aac',
} as const;
export type FormatId = keyof typeof FORMATS;
export const LOSSLESS: FormatId[] = ['flac', 'm4a-alac', 'wav', 'wav24', 'aiff', 'wv'];

const ff = (input: string, out: string, args: string[]) => run('ffmpeg', ['-v', 'error', '-y', '-i', input, '-map_metadata', '-1', '-fflags', '+bitexact', ...args, out]);

/** Encodes a WAV file (16-bit stereo 44.1 kHz) into `format` with Debian's encoders, untagged. */
export async function encode(format: FormatId, pcm: Int16Array, wavPath: string, out: string): Promise<void> {
  if (format === 'wav' || format === 'wav24') {
    await fs.writeFile(out, wavBytes(pcm, { bits: format === 'wav24' ? 24 : 16 }));
    return;
  }
  await fs.writeFile(wavPath, wavBytes(pcm));
  switch (format) {
    case 'mp3-cbr320':
    case 'mp3-cbr128':
      await run('lame', ['--quiet', '--noreplaygain', '--cbr', '-b', format === 'mp3-cbr320' ? '320' : '128', wavPath, out]);
      break;
    case 'mp3-v0':
      await run('lame', ['--quiet', '--noreplaygain', '-V', '0', wavPath, out]);
      break;
    case 'flac':
      await run('flac', ['--silent', '-f', '-5', '--no-padding', '-o', out, wavPath]);
      break;
    case 'm4a-aac':
      await ff(wavPath, out, ['-c:a', 'aac', '-b:a', '192k']);
      break;
    case 'm4a-alac':
      await ff(wavPath, out, ['-c:a', 'alac']);
      break;
    case 'ogg':
      await run('oggenc', ['-Q', '-q', '4', '-o', out, wavPath]);
      break;
    case 'opus':
      await ff(wavPath, out, ['-c:a', 'libopus', '-b:a', '128k']);
      break;
    case 'aiff':
      await ff(wavPath, out, ['-c:a', 'pcm_s16be']);
      break;
    case 'wma':
      await ff(wavPath, out, ['-c:a', 'wmav2', '-b:a', '160k']);
      break;
    case 'wv':
      await ff(wavPath, out, ['-c:a', 'wavpack']);
      break;
    case 'aac':
      await ff(wavPath, out, ['-c:a', 'aac', '-b:a', '160k', '-f', 'adts']);
      break;
  }
}

export interface TagOp {
  path: string;
  tags?: Record<string, string | number | boolean | null | undefined>;
  cover?: string | null;
  strip?: boolean;
  id3?: 'v23' | 'v24';
  id3v1?: boolean;
  padding?: number;
}

/** Writes tags with mutagen (Debian's python3-mutagen), many files per process. */
export async function writeTags(ops: TagOp[]): Promise<void> {
  if (ops.length === 0) return;
  const script = new URL('./tag.py', import.meta.url).pathname;
  await new Promise<void>((resolve, reject) => {
    const p = execFile('/usr/bin/python3', [script], { maxBuffer: 1 << 24 }, (err, _out, stderr) => (err ? reject(new Error(`${err.message}\n${stderr}`)) : resolve()));
    p.stdin!.end(JSON.stringify(ops));
  });
}

/** A JPEG test card made by ffmpeg, for cover art. */
export async function makeCover(out: string, size: number, pattern = 'testsrc2'): Promise<void> {
  await run('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i', `${pattern}=size=${size}x${size}`, '-frames:v', '1', '-q:v', '5', out]);
}
