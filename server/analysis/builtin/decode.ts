import { spawn } from 'node:child_process';
import os from 'node:os';
import { ANALYSIS_RATE, TrackAnalyzer, type AnalyzerOptions, type TrackAnalysis } from './analyzer';

export class AnalysisError extends Error {}

export interface DecodeOptions extends AnalyzerOptions {
  /** Stop a pathological file after this long (decode + analysis). */
  timeoutMs: number;
  /** Nice value for ffmpeg (0 normal … 19 lowest), so scans and the web stay first. */
  niceness?: number;
  ffmpeg?: string;
  signal?: AbortSignal;
}

/**
 * Decodes a file with Debian's ffmpeg to 22.05 kHz stereo float32 on a pipe (the same gapless
 * convention the engine's ffmpeg-based decoders use: LAME/iTunSMPB delay and padding honoured)
 * and analyses it as it streams, so a long file never sits in memory whole.
 */
export function analyzeFile(file: string, opts: DecodeOptions): Promise<TrackAnalysis> {
  return new Promise((resolve, reject) => {
    const analyzer = new TrackAnalyzer(opts);
    const child = spawn(
      opts.ffmpeg ?? 'ffmpeg',
      ['-nostdin', '-hide_banner', '-v', 'error', '-i', file, '-map', '0:a:0', '-vn', '-ac', '2', '-ar', String(ANALYSIS_RATE), '-f', 'f32le', 'pipe:1'],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    try {
      if (child.pid && opts.niceness) os.setPriority(child.pid, opts.niceness);
    } catch {
      // not allowed to lower it: run at normal priority
    }
    let stderr = '';
    let rest: Buffer | undefined;
    let failed: Error | undefined;
    const fail = (e: Error) => {
      if (failed) return;
      failed = e;
      child.kill('SIGKILL');
    };
    const timer = setTimeout(() => fail(new AnalysisError(`Analysis took longer than ${Math.round(opts.timeoutMs / 1000)} s and was stopped`)), opts.timeoutMs);
    const onAbort = () => fail(new AnalysisError('Cancelled'));
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    child.stdout.on('data', (chunk: Buffer) => {
      if (failed) return;
      let buf = rest ? Buffer.concat([rest, chunk]) : chunk;
      const usable = buf.length - (buf.length % 4);
      rest = usable < buf.length ? Buffer.from(buf.subarray(usable)) : undefined;
      buf = buf.subarray(0, usable);
      if (!usable) return;
      // copy into an aligned array (Buffer slices may start at any byte)
      const floats = new Float32Array(usable / 4);
      new Uint8Array(floats.buffer).set(buf);
      try {
        analyzer.push(floats);
      } catch (e) {
        fail(e instanceof Error ? e : new Error(String(e)));
      }
    });
    child.stderr.on('data', (c: Buffer) => {
      if (stderr.length < 4000) stderr += c.toString('utf8');
    });
    child.on('error', (e: NodeJS.ErrnoException) =>
      fail(new AnalysisError(e.code === 'ENOENT' ? 'ffmpeg is not installed (apt-get install ffmpeg)' : `ffmpeg could not start: ${e.message}`)),
    );
    child.on('close', (code) => {
      clearTimeout(timer);
      opts.signal?.removeEventListener('abort', onAbort);
      if (failed) return reject(failed);
      const firstLine = stderr
        .split('\n')
        .map((l) => l.trim())
        .find(Boolean);
      if (code !== 0) return reject(new AnalysisError(`The file could not be decoded${firstLine ? `: ${cleanFfmpeg(firstLine)}` : ''}`));
      let result: TrackAnalysis;
      try {
        result = analyzer.finish();
      } catch (e) {
        return reject(e instanceof Error ? e : new Error(String(e)));
      }
      if (result.duration <= 0) return reject(new AnalysisError('The file holds no audio that could be decoded'));
      resolve(result);
    });
  });
}

/** ffmpeg's message without the file path it starts with. */
function cleanFfmpeg(line: string) {
  const m = /^.*?: (.*)$/.exec(line);
  return (m?.[1] ?? line).slice(0, 200);
}
