import { prng } from '@/server/testing/library/synth';
import { ANALYSIS_RATE, TrackAnalyzer, type AnalyzerOptions, type TrackAnalysis } from './analyzer';

export const SR = ANALYSIS_RATE;

/** A stereo buffer (both channels equal) of `seconds` at the analysis rate. */
export class Signal {
  readonly data: Float32Array;
  constructor(readonly seconds: number) {
    this.data = new Float32Array(Math.round(seconds * SR) * 2);
  }
  get length() {
    return this.data.length / 2;
  }
  add(i: number, v: number) {
    if (i < 0 || i >= this.length) return;
    this.data[2 * i] = this.data[2 * i]! + v;
    this.data[2 * i + 1] = this.data[2 * i + 1]! + v;
  }
  /** A 1 ms click (a decaying alternating burst) at `t` seconds. */
  click(t: number, gain = 0.8) {
    const s = Math.round(t * SR);
    for (let i = 0; i < 22; i++) this.add(s + i, (i % 2 ? -1 : 1) * gain * Math.exp(-i / 6));
  }
  /** A sine from `t0` to `t1` with 5 ms fades. */
  tone(hz: number, t0: number, t1: number, gain: number) {
    const a = Math.round(t0 * SR);
    const b = Math.min(this.length, Math.round(t1 * SR));
    const fade = Math.round(0.005 * SR);
    for (let i = a; i < b; i++) {
      const env = Math.min(1, (i - a) / fade, (b - i) / fade);
      this.add(i, gain * env * Math.sin((2 * Math.PI * hz * (i - a)) / SR));
    }
  }
  noise(t0: number, t1: number, gain: number, seed = 1) {
    const rnd = prng(seed);
    for (let i = Math.round(t0 * SR); i < Math.round(t1 * SR); i++) this.add(i, gain * (rnd() * 2 - 1));
  }
}

export const midiHz = (m: number) => 440 * 2 ** ((m - 69) / 12);

/** Runs the analyzer over a buffer fed in uneven chunks (as a pipe delivers them). */
export function analyze(data: Float32Array, opts: Partial<AnalyzerOptions> = {}): TrackAnalysis {
  const a = new TrackAnalyzer({ minBpm: 70, maxBpm: 180, ...opts });
  let i = 0;
  for (let n = 0; i < data.length; n++) {
    const size = 2 * (3000 + ((n * 7919) % 9000)) + (n % 3 === 0 ? 1 : 0); // odd sizes split a frame
    a.push(data.subarray(i, i + size));
    i += size;
  }
  return a.finish();
}

/** Signed distance (s) from `t` to the nearest multiple of `period` after `phase`. */
export function gridError(t: number, phase: number, period: number) {
  const d = (((t - phase) % period) + period) % period;
  return d > period / 2 ? d - period : d;
}
