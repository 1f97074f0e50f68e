import { Biquad, highPass, lowPass } from './filters';
import { ChromaAccumulator, estimateKey, type KeyResult, type ProfileName } from './key';
import { LoudnessMeter, type Loudness } from './loudness';
import { estimateTempo, noTempo, type TempoResult } from './tempo';
import { WaveformAccumulator, type WaveformLevel } from './waveform';

/** Bump when results would differ: tracks analysed by an older version are re-analysed at idle priority. */
export const ANALYZER_VERSION = 1;
export const ANALYSIS_RATE = 22050;
/** Samples per analysis block: 5.8 ms at 22.05 kHz (onset envelope and waveform resolution). */
const BLOCK = 128;
const DECIMATE = 4;
/** −60 dBFS: quieter than this is not "audible" for the start/end markers. */
const AUDIBLE = 10 ** (-60 / 20);
/** Log compression of band energies before the flux (scale-free above the noise floor). */
const GAMMA = 1e5;
/**
 * Seconds by which the onset envelope trails an attack (negative: a block is stamped with its start,
 * before the attack inside it, less the filter delay), measured on
 * clicks and synthetic kicks by the tempo tests.
 */
export const ONSET_LATENCY = -0.001;

export interface AnalyzerOptions {
  minBpm: number;
  maxBpm: number;
  keyProfile?: ProfileName;
}

export interface TrackAnalysis {
  duration: number;
  tempo: TempoResult;
  key: KeyResult;
  loudness: Loudness;
  audibleStart: number;
  audibleEnd: number;
  waveforms: WaveformLevel[];
  /** Onsets per second above a fixed strength (how busy the track is). */
  onsetRate: number;
  /** Share of energy above 2 kHz. */
  brightness: number;
  /** 0–1 from loudness, onset density, brightness and tempo; the library ranks it into 1–10. */
  energy: number;
}

class Grow {
  data = new Float32Array(4096);
  length = 0;
  push(v: number) {
    if (this.length === this.data.length) {
      const n = new Float32Array(this.data.length * 2);
      n.set(this.data);
      this.data = n;
    }
    this.data[this.length++] = v;
  }
  view() {
    return this.data.subarray(0, this.length);
  }
}

/**
 * One pass over decoded interleaved stereo at 22.05 kHz, fed in chunks of any size: loudness,
 * three-band waveforms, onset envelopes and chroma are gathered as the audio streams, so memory
 * does not grow with the track (beyond a few small per-block arrays); tempo, grid, key and energy
 * are computed from those at the end.
 */
export class TrackAnalyzer {
  private readonly loudness = new LoudnessMeter(ANALYSIS_RATE);
  private readonly waveform = new WaveformAccumulator(ANALYSIS_RATE, BLOCK);
  private readonly chroma = new ChromaAccumulator(ANALYSIS_RATE / DECIMATE);
  private readonly lowA = new Biquad(lowPass(ANALYSIS_RATE, 200));
  private readonly lowB = new Biquad(lowPass(ANALYSIS_RATE, 200));
  private readonly lp2kA = new Biquad(lowPass(ANALYSIS_RATE, 2000));
  private readonly lp2kB = new Biquad(lowPass(ANALYSIS_RATE, 2000));
  private readonly midA = new Biquad(highPass(ANALYSIS_RATE, 200));
  private readonly midB = new Biquad(highPass(ANALYSIS_RATE, 200));
  private readonly highA = new Biquad(highPass(ANALYSIS_RATE, 2000));
  private readonly highB = new Biquad(highPass(ANALYSIS_RATE, 2000));
  private left = new Float32Array(0);
  private right = new Float32Array(0);
  private mono = new Float32Array(0);
  private low = new Float32Array(0);
  private lp2k = new Float32Array(0);
  private mid = new Float32Array(0);
  private high = new Float32Array(0);
  private dec = new Float32Array(0);
  private decPhase = 0;
  private samples = 0;
  // block accumulators: low, mid, high, full
  private readonly bPeak = new Float64Array(4);
  private readonly bSum = new Float64Array(4);
  private bFill = 0;
  private blocks = 0;
  private readonly energies = [new Grow(), new Grow(), new Grow()];
  private firstAudible = -1;
  private lastAudible = -1;
  private carry = new Float32Array(0);

  constructor(private readonly opts: AnalyzerOptions) {}

  /** Interleaved stereo samples (an odd trailing sample is kept for the next chunk). */
  push(interleaved: Float32Array) {
    let data = interleaved;
    if (this.carry.length) {
      data = new Float32Array(this.carry.length + interleaved.length);
      data.set(this.carry);
      data.set(interleaved, this.carry.length);
      this.carry = new Float32Array(0);
    }
    const n = data.length >> 1;
    if (data.length & 1) this.carry = data.slice(data.length - 1);
    if (n === 0) return;
    this.ensure(n);
    const { left, right, mono } = this;
    for (let i = 0; i < n; i++) {
      const l = data[2 * i]!;
      const r = data[2 * i + 1]!;
      left[i] = l;
      right[i] = r;
      mono[i] = (l + r) * 0.5;
    }
    this.loudness.push(left, right, n);
    this.lowA.process(mono, this.low, n);
    this.lowB.process(this.low, this.low, n);
    this.lp2kA.process(mono, this.lp2k, n);
    this.lp2kB.process(this.lp2k, this.lp2k, n);
    this.midA.process(this.lp2k, this.mid, n);
    this.midB.process(this.mid, this.mid, n);
    this.highA.process(mono, this.high, n);
    this.highB.process(this.high, this.high, n);
    this.blocksOf(n);
    // every fourth sample of the 2 kHz low-passed signal feeds the chroma
    let d = 0;
    let i = (DECIMATE - this.decPhase) % DECIMATE;
    for (; i < n; i += DECIMATE) this.dec[d++] = this.lp2k[i]!;
    this.decPhase = (this.decPhase + n) % DECIMATE;
    this.chroma.push(this.dec, d);
    this.samples += n;
  }

  private ensure(n: number) {
    if (this.left.length >= n) return;
    this.left = new Float32Array(n);
    this.right = new Float32Array(n);
    this.mono = new Float32Array(n);
    this.low = new Float32Array(n);
    this.lp2k = new Float32Array(n);
    this.mid = new Float32Array(n);
    this.high = new Float32Array(n);
    this.dec = new Float32Array(Math.ceil(n / DECIMATE) + 1);
  }

  private blocksOf(n: number) {
    const { mono, low, mid: midBand, high, bPeak, bSum } = this;
    let fill = this.bFill;
    for (let i = 0; i < n; i++) {
      const x = mono[i]!;
      const lo = low[i]!;
      const mid = midBand[i]!;
      const hi = high[i]!;
      const al = lo < 0 ? -lo : lo;
      const am = mid < 0 ? -mid : mid;
      const ah = hi < 0 ? -hi : hi;
      const ax = x < 0 ? -x : x;
      if (al > bPeak[0]!) bPeak[0] = al;
      if (am > bPeak[1]!) bPeak[1] = am;
      if (ah > bPeak[2]!) bPeak[2] = ah;
      if (ax > bPeak[3]!) bPeak[3] = ax;
      bSum[0] = bSum[0]! + lo * lo;
      bSum[1] = bSum[1]! + mid * mid;
      bSum[2] = bSum[2]! + hi * hi;
      bSum[3] = bSum[3]! + x * x;
      if (++fill === BLOCK) {
        this.endBlock();
        fill = 0;
      }
    }
    this.bFill = fill;
  }

  private endBlock() {
    const { bPeak, bSum } = this;
    this.waveform.add(bPeak, bSum);
    for (let b = 0; b < 3; b++) this.energies[b]!.push(Math.log1p((GAMMA * bSum[b]!) / BLOCK));
    if (bPeak[3]! > AUDIBLE) {
      if (this.firstAudible < 0) this.firstAudible = this.blocks;
      this.lastAudible = this.blocks;
    }
    this.blocks++;
    bPeak.fill(0);
    bSum.fill(0);
  }

  finish(): TrackAnalysis {
    if (this.bFill > 0) {
      this.endBlock();
      this.bFill = 0;
    }
    const fps = ANALYSIS_RATE / BLOCK;
    const duration = this.samples / ANALYSIS_RATE;
    const audibleStart = this.firstAudible < 0 ? 0 : this.firstAudible / fps;
    const audibleEnd = this.lastAudible < 0 ? 0 : Math.min(duration, (this.lastAudible + 1) / fps);
    // rises of the log energy, lightly smoothed (3 blocks) so the beating of held notes is no onset
    const flux = this.energies.map((g) => {
      const e = g.view();
      const d = new Float32Array(e.length);
      let prev = e[0] ?? 0;
      for (let i = 1; i < e.length; i++) {
        const cur = ((e[i - 1] ?? 0) + 2 * e[i]! + (e[i + 1] ?? e[i]!)) / 4;
        const v = cur - prev;
        d[i] = v > 0 ? v : 0;
        prev = cur;
      }
      return d;
    });
    const n = flux[0]!.length;
    const onset = new Float32Array(n);
    const midOnset = new Float32Array(n);
    const bodyOnset = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      onset[i] = flux[0]![i]! + flux[1]![i]! + 0.8 * flux[2]![i]!;
      midOnset[i] = flux[1]![i]! + flux[2]![i]!;
      bodyOnset[i] = flux[0]![i]! + flux[1]![i]!;
    }
    const loudness = this.loudness.finish();
    const tuning = this.chroma.tuning();
    const chroma = this.chroma.chroma(tuning);
    const silent = this.firstAudible < 0;
    const tempo = silent
      ? noTempo('The file is silent')
      : estimateTempo({
          onset,
          lowOnset: flux[0]!,
          midOnset,
          bodyOnset,
          fps,
          latency: ONSET_LATENCY,
          chroma,
          chromaFps: this.chroma.fps,
          chromaCentre: this.chroma.centre,
          duration,
          audibleStart,
          audibleEnd,
          minBpm: this.opts.minBpm,
          maxBpm: this.opts.maxBpm,
        });
    const key = estimateKey(chroma, tuning, this.opts.keyProfile, phraseChroma(tempo, chroma, this.chroma.fps, this.chroma.centre, audibleStart));
    let strong = 0;
    for (let i = 0; i < n; i++) if (onset[i]! > 1.5) strong++;
    const onsetRate = duration > 0 ? strong / Math.max(1, audibleEnd - audibleStart) : 0;
    let hi = 0;
    let all = 0;
    for (let i = 0; i < n; i++) {
      hi += Math.expm1(this.energies[2]!.data[i]!);
      all += Math.expm1(this.energies[0]!.data[i]!) + Math.expm1(this.energies[1]!.data[i]!) + Math.expm1(this.energies[2]!.data[i]!);
    }
    const brightness = all > 0 ? hi / all : 0;
    return {
      duration,
      tempo,
      key: silent ? { ...key, pitch: null, mode: null } : key,
      loudness,
      audibleStart: round4(audibleStart),
      audibleEnd: round4(audibleEnd),
      waveforms: this.waveform.finish(this.samples),
      onsetRate: Math.round(onsetRate * 100) / 100,
      brightness: Math.round(brightness * 1000) / 1000,
      energy: energyScore(loudness.integrated, onsetRate, brightness, tempo.bpm),
    };
  }
}

/** Chroma summed over the first bar of every four-bar phrase (from the first phrase beat on); without a grid, the opening. */
function phraseChroma(tempo: TempoResult, chroma: Float32Array[], fps: number, centre: number, audibleStart: number): Float64Array | undefined {
  if (tempo.bpm === null || tempo.firstPhraseBeatNo === null || tempo.downbeats.length < 8) {
    // no grid (ambient, beatless): the chord the music opens with, over its first four seconds
    const out = new Float64Array(12);
    const a = Math.max(0, Math.round((audibleStart - centre) * fps));
    for (let i = a; i < Math.min(chroma.length, a + Math.round(4 * fps)); i++) {
      const c = chroma[i]!;
      let s = 0;
      for (let k = 0; k < 12; k++) s += c[k]!;
      if (s > 0) for (let k = 0; k < 12; k++) out[k] = out[k]! + c[k]! / s;
    }
    return out.some((v) => v > 0) ? out : undefined;
  }
  const start = tempo.beats[tempo.firstPhraseBeatNo - 1]!;
  const first = tempo.downbeats.findIndex((t) => t >= start - 0.01);
  if (first < 0) return undefined;
  const bar = 240 / tempo.bpm;
  const out = new Float64Array(12);
  for (let j = first; j < tempo.downbeats.length; j += 4) {
    const t = tempo.downbeats[j]!;
    // eight-bar phrases open on the tonic even when chords last two bars: their first bar counts double
    const weight = (j - first) % 8 === 0 ? 2 : 1;
    const a = Math.max(0, Math.round((t - centre) * fps));
    const b = Math.min(chroma.length, Math.round((t + bar - centre) * fps));
    for (let i = a; i < b; i++) {
      const c = chroma[i]!;
      let s = 0;
      for (let k = 0; k < 12; k++) s += c[k]!;
      if (s > 0) for (let k = 0; k < 12; k++) out[k] = out[k]! + (weight * c[k]!) / s;
    }
  }
  return out;
}

const round4 = (x: number) => Math.round(x * 10000) / 10000;
const clamp01 = (x: number) => Math.max(0, Math.min(1, x));

/**
 * A 0–1 energy score: loud, busy, bright and fast tracks score high (the ingredients Mixed In Key
 * and Lexicon describe). The library turns it into 1–10 by rank, so only the order matters.
 */
export function energyScore(lufs: number | null, onsetRate: number, brightness: number, bpm: number | null): number {
  const loud = lufs === null ? 0 : clamp01((lufs + 30) / 25);
  const busy = clamp01(onsetRate / 8);
  const bright = clamp01(brightness / 0.35);
  const fast = bpm === null ? 0.3 : clamp01((bpm - 70) / 110);
  return Math.round((0.45 * loud + 0.25 * busy + 0.15 * bright + 0.15 * fast) * 1000) / 1000;
}
