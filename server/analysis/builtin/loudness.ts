import { Biquad, kWeighting } from './filters';

/** What the loudness meter measured (ITU-R BS.1770-4 / EBU R128). */
export interface Loudness {
  /** Integrated loudness, LUFS; null when the whole file is below the absolute gate (silence). */
  integrated: number | null;
  /** Loudness range, LU (EBU Tech 3342). */
  range: number | null;
  /** True peak, dBTP (4× oversampled estimate). */
  truePeak: number | null;
  /** Sample peak, dBFS. */
  samplePeak: number | null;
}

const ABSOLUTE_GATE = -70;
const loudnessOf = (meanSquare: number) => -0.691 + 10 * Math.log10(meanSquare);

/** 8-tap windowed-sinc kernels for the three in-between points of 4× oversampling. */
const TP_TAPS = 8;
const TP_KERNELS = [0.25, 0.5, 0.75].map((frac) => {
  const k = new Float64Array(TP_TAPS);
  for (let j = 0; j < TP_TAPS; j++) {
    const x = j - (TP_TAPS / 2 - 1) - frac; // taps at i-3 … i+4 around the point i+frac
    const sinc = x === 0 ? 1 : Math.sin(Math.PI * x) / (Math.PI * x);
    const w = 0.5 + 0.5 * Math.cos((Math.PI * x) / (TP_TAPS / 2 + 0.5));
    k[j] = sinc * w;
  }
  return k;
});

/**
 * A streaming loudness meter over interleaved stereo: K-weighting per channel, mean squares per
 * 100 ms, then gating at the end (400 ms momentary blocks with 75 % overlap for the integrated
 * value, 3 s short-term windows for the range). True peak is estimated by 4× sinc interpolation,
 * evaluated only near samples that could raise the peak found so far, so it costs little.
 */
export class LoudnessMeter {
  private readonly filters: Biquad[][];
  private readonly subLen: number;
  private subAcc = 0;
  private subFill = 0;
  private readonly subBlocks: number[] = [];
  private peak = 0;
  private truePeak = 0;
  private readonly hist: Float64Array[];
  private tmp = new Float32Array(0);

  constructor(private readonly sampleRate: number) {
    this.filters = [0, 1].map(() => kWeighting(sampleRate).map((c) => new Biquad(c)));
    this.subLen = Math.round(sampleRate / 10);
    this.hist = [new Float64Array(TP_TAPS * 2), new Float64Array(TP_TAPS * 2)];
  }

  /** `left` and `right` hold `n` samples each. */
  push(left: Float32Array, right: Float32Array, n: number) {
    if (this.tmp.length < n * 2) this.tmp = new Float32Array(n * 2);
    const kl = this.tmp.subarray(0, n);
    const kr = this.tmp.subarray(n, 2 * n);
    this.filters[0]![0]!.process(left, kl, n);
    this.filters[0]![1]!.process(kl, kl, n);
    this.filters[1]![0]!.process(right, kr, n);
    this.filters[1]![1]!.process(kr, kr, n);
    let acc = this.subAcc;
    let fill = this.subFill;
    const len = this.subLen;
    for (let i = 0; i < n; i++) {
      const a = kl[i]!;
      const b = kr[i]!;
      acc += a * a + b * b;
      if (++fill === len) {
        this.subBlocks.push(acc / len);
        acc = 0;
        fill = 0;
      }
    }
    this.subAcc = acc;
    this.subFill = fill;
    this.peaks(0, left, n);
    this.peaks(1, right, n);
  }

  private peaks(ch: number, x: Float32Array, n: number) {
    const h = this.hist[ch]!;
    let peak = this.peak;
    let tp = this.truePeak;
    for (let i = 0; i < n; i++) {
      // shift the history window: h[0 … 7] are the last eight samples, newest last
      for (let j = 0; j < TP_TAPS - 1; j++) h[j] = h[j + 1]!;
      const v = x[i]!;
      h[TP_TAPS - 1] = v;
      const a = v < 0 ? -v : v;
      if (a > peak) peak = a;
      // the point between h[3] and h[4] is interpolated once both neighbours are known
      const m = Math.max(Math.abs(h[3]!), Math.abs(h[4]!));
      if (m > tp * 0.6) {
        if (m > tp) tp = m;
        for (const k of TP_KERNELS) {
          let s = 0;
          for (let j = 0; j < TP_TAPS; j++) s += h[j]! * k[j]!;
          if (s < 0) s = -s;
          if (s > tp) tp = s;
        }
      }
    }
    this.peak = peak;
    this.truePeak = Math.max(tp, peak);
  }

  /** The 100 ms mean squares so far (both channels summed), for other measures. */
  get blocks(): readonly number[] {
    return this.subBlocks;
  }

  finish(): Loudness {
    const sub = this.subBlocks;
    // momentary blocks: 4 sub-blocks, stepping one (75 % overlap)
    const momentary: number[] = [];
    for (let i = 0; i + 4 <= sub.length; i++) momentary.push((sub[i]! + sub[i + 1]! + sub[i + 2]! + sub[i + 3]!) / 4);
    const integrated = gatedMean(momentary, -10);
    const shortTerm: number[] = [];
    let run = 0;
    for (let i = 0; i < sub.length; i++) {
      run += sub[i]!;
      if (i >= 30) run -= sub[i - 30]!;
      if (i >= 29) shortTerm.push(run / 30);
    }
    return {
      integrated: integrated === null ? null : round2(loudnessOf(integrated)),
      range: loudnessRange(shortTerm),
      truePeak: this.truePeak > 0 ? round2(20 * Math.log10(this.truePeak)) : null,
      samplePeak: this.peak > 0 ? round2(20 * Math.log10(this.peak)) : null,
    };
  }
}

const round2 = (x: number) => Math.round(x * 100) / 100;

/** Mean square of the blocks that pass the absolute gate and the relative gate (`relative` LU below their mean). */
function gatedMean(blocks: number[], relative: number): number | null {
  const abs = blocks.filter((z) => z > 0 && loudnessOf(z) > ABSOLUTE_GATE);
  if (!abs.length) return null;
  const threshold = loudnessOf(abs.reduce((s, z) => s + z, 0) / abs.length) + relative;
  const kept = abs.filter((z) => loudnessOf(z) > threshold);
  return kept.length ? kept.reduce((s, z) => s + z, 0) / kept.length : null;
}

/** EBU Tech 3342: the spread between the 10th and 95th percentiles of gated short-term loudness. */
function loudnessRange(shortTerm: number[]): number | null {
  const abs = shortTerm.filter((z) => z > 0 && loudnessOf(z) > ABSOLUTE_GATE);
  if (abs.length < 2) return null;
  const threshold = loudnessOf(abs.reduce((s, z) => s + z, 0) / abs.length) - 20;
  const l = abs
    .map(loudnessOf)
    .filter((x) => x > threshold)
    .sort((a, b) => a - b);
  if (l.length < 2) return null;
  const at = (p: number) => l[Math.min(l.length - 1, Math.round(p * (l.length - 1)))]!;
  return round2(at(0.95) - at(0.1));
}
