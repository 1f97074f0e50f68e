/**
 * Three-band waveforms (low < 200 Hz, mid 200 Hz – 2 kHz, high > 2 kHz), peak ("amplitude") and
 * RMS ("intensity") per band, at every zoom level of PROTOCOLS B §4.1. The stream is summarised in
 * fixed blocks while it plays (merged two by two if a very long file would need too many, so
 * memory stays bounded); pixels are made from blocks at the end, when the length is known.
 */
export const ZOOM_PIXELS = [1000, 4000, 16000] as const;
export const BAND_NAMES = ['low', 'mid', 'high'] as const;

const MAX_BLOCKS = 1 << 18;

export interface WaveformLevel {
  zoom_level: number;
  num_pixels: number;
  samples_per_pixel: number;
  sample_rate: number;
  low_freq_amplitude: string;
  low_freq_intensity: string;
  mid_freq_amplitude: string;
  mid_freq_intensity: string;
  high_freq_amplitude: string;
  high_freq_intensity: string;
}

export class WaveformAccumulator {
  /** Per block and band: peak, then sum of squares. */
  private peak: Float32Array[] = BAND_NAMES.map(() => new Float32Array(4096));
  private sumsq: Float64Array[] = BAND_NAMES.map(() => new Float64Array(4096));
  private count = 0;
  /** Samples per block (doubles when blocks are merged). */
  private blockLen: number;

  constructor(
    private readonly sampleRate: number,
    blockLen: number,
  ) {
    this.blockLen = blockLen;
  }

  /** One block's statistics per band (the caller computes them once for onsets and waveforms). */
  add(peaks: ArrayLike<number>, sumsqs: ArrayLike<number>) {
    if (this.count === this.peak[0]!.length) this.grow();
    for (let b = 0; b < BAND_NAMES.length; b++) {
      this.peak[b]![this.count] = peaks[b]!;
      this.sumsq[b]![this.count] = sumsqs[b]!;
    }
    this.count++;
    if (this.count >= MAX_BLOCKS) this.mergePairs();
  }

  private grow() {
    const n = this.peak[0]!.length * 2;
    this.peak = this.peak.map((a) => {
      const x = new Float32Array(n);
      x.set(a);
      return x;
    });
    this.sumsq = this.sumsq.map((a) => {
      const x = new Float64Array(n);
      x.set(a);
      return x;
    });
  }

  private mergePairs() {
    const half = Math.floor(this.count / 2);
    for (let b = 0; b < BAND_NAMES.length; b++) {
      const p = this.peak[b]!;
      const s = this.sumsq[b]!;
      for (let i = 0; i < half; i++) {
        p[i] = Math.max(p[2 * i]!, p[2 * i + 1]!);
        s[i] = s[2 * i]! + s[2 * i + 1]!;
      }
      if (this.count % 2) {
        p[half] = p[this.count - 1]!;
        s[half] = s[this.count - 1]!;
      }
    }
    this.count = half + (this.count % 2);
    this.blockLen *= 2;
  }

  /** Every zoom level, bands as base64 of one byte per pixel (0–255, the loudest pixel of the track = 255). */
  finish(totalSamples: number): WaveformLevel[] {
    const blocks = this.count;
    if (blocks === 0 || totalSamples === 0) return [];
    // one scale for every band and level keeps the bands' balance and makes quiet tracks visible
    let maxPeak = 0;
    let maxRms = 0;
    const rmsOf = (b: number, i: number) => Math.sqrt(this.sumsq[b]![i]! / this.blockLen);
    for (let b = 0; b < BAND_NAMES.length; b++)
      for (let i = 0; i < blocks; i++) {
        maxPeak = Math.max(maxPeak, this.peak[b]![i]!);
        maxRms = Math.max(maxRms, rmsOf(b, i));
      }
    const ps = maxPeak > 0 ? 255 / maxPeak : 0;
    const rs = maxRms > 0 ? 255 / maxRms : 0;
    return ZOOM_PIXELS.map((pixels, zoom) => {
      const level: Record<string, string | number> = {
        zoom_level: zoom,
        num_pixels: pixels,
        samples_per_pixel: Math.max(1, Math.round(totalSamples / pixels)),
        sample_rate: this.sampleRate,
      };
      for (let b = 0; b < BAND_NAMES.length; b++) {
        const amp = new Uint8Array(pixels);
        const int = new Uint8Array(pixels);
        for (let p = 0; p < pixels; p++) {
          const from = Math.floor((p * blocks) / pixels);
          const to = Math.max(from + 1, Math.floor(((p + 1) * blocks) / pixels));
          let pk = 0;
          let ss = 0;
          for (let i = from; i < to && i < blocks; i++) {
            pk = Math.max(pk, this.peak[b]![i]!);
            ss += this.sumsq[b]![i]!;
          }
          amp[p] = Math.min(255, Math.round(pk * ps));
          int[p] = Math.min(255, Math.round(Math.sqrt(ss / ((to - from) * this.blockLen)) * rs));
        }
        level[`${BAND_NAMES[b]}_freq_amplitude`] = Buffer.from(amp).toString('base64');
        level[`${BAND_NAMES[b]}_freq_intensity`] = Buffer.from(int).toString('base64');
      }
      return level as unknown as WaveformLevel;
    });
  }
}
