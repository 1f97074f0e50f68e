/**
 * A radix-2 FFT for real input, written for the analyzer's one job: magnitude spectra of
 * windowed frames, many times over, with no allocation per frame. A real frame of N samples is
 * transformed as a complex frame of N/2 (even samples real, odd samples imaginary) and untangled
 * afterwards, which halves the work of a plain complex FFT.
 */
export class RealFft {
  readonly size: number;
  private readonly half: number;
  private readonly re: Float64Array;
  private readonly im: Float64Array;
  private readonly cos: Float64Array;
  private readonly sin: Float64Array;
  private readonly rev: Uint32Array;
  /** Twiddles of the untangling step (angle 2πk/N). */
  private readonly ucos: Float64Array;
  private readonly usin: Float64Array;

  constructor(size: number) {
    if (size < 4 || (size & (size - 1)) !== 0) throw new Error(`FFT size must be a power of two ≥ 4, not ${size}`);
    this.size = size;
    const h = size / 2;
    this.half = h;
    this.re = new Float64Array(h);
    this.im = new Float64Array(h);
    this.cos = new Float64Array(h / 2);
    this.sin = new Float64Array(h / 2);
    for (let i = 0; i < h / 2; i++) {
      this.cos[i] = Math.cos((2 * Math.PI * i) / h);
      this.sin[i] = -Math.sin((2 * Math.PI * i) / h);
    }
    this.rev = new Uint32Array(h);
    const bits = Math.log2(h);
    for (let i = 0; i < h; i++) {
      let r = 0;
      for (let b = 0; b < bits; b++) r |= ((i >> b) & 1) << (bits - 1 - b);
      this.rev[i] = r;
    }
    this.ucos = new Float64Array(h + 1);
    this.usin = new Float64Array(h + 1);
    for (let k = 0; k <= h; k++) {
      this.ucos[k] = Math.cos((2 * Math.PI * k) / size);
      this.usin[k] = Math.sin((2 * Math.PI * k) / size);
    }
  }

  /**
   * Squared magnitudes |X[k]|² for k = 0 … N/2 of `input[offset … offset+N)` multiplied by
   * `window`, written to `out` (length ≥ N/2 + 1).
   */
  powerSpectrum(input: ArrayLike<number>, offset: number, window: Float32Array, out: Float32Array) {
    const h = this.half;
    const re = this.re;
    const im = this.im;
    const rev = this.rev;
    for (let i = 0; i < h; i++) {
      const j = rev[i]!;
      re[j] = input[offset + 2 * i]! * window[2 * i]!;
      im[j] = input[offset + 2 * i + 1]! * window[2 * i + 1]!;
    }
    // iterative butterflies
    for (let len = 2; len <= h; len <<= 1) {
      const halfLen = len >> 1;
      const step = h / len;
      for (let start = 0; start < h; start += len) {
        for (let k = 0; k < halfLen; k++) {
          const wr = this.cos[k * step]!;
          const wi = this.sin[k * step]!;
          const a = start + k;
          const b = a + halfLen;
          const xr = re[b]! * wr - im[b]! * wi;
          const xi = re[b]! * wi + im[b]! * wr;
          re[b] = re[a]! - xr;
          im[b] = im[a]! - xi;
          re[a] = re[a]! + xr;
          im[a] = im[a]! + xi;
        }
      }
    }
    // untangle: X[k] = (Z[k] + conj Z[h−k])/2 − i·e^{−2πik/N}·(Z[k] − conj Z[h−k])/2
    for (let k = 0; k <= h; k++) {
      const zr = re[k % h]!;
      const zi = im[k % h]!;
      const cr = re[(h - k) % h]!;
      const ci = -im[(h - k) % h]!;
      const er = (zr + cr) / 2;
      const ei = (zi + ci) / 2;
      const or = (zr - cr) / 2;
      const oi = (zi - ci) / 2;
      // multiply (or + i·oi) by −i·e^{−iθ} = −i(cos θ − i sin θ) = −sin θ − i cos θ
      const c = this.ucos[k]!;
      const s = this.usin[k]!;
      const tr = or * -s + oi * c;
      const ti = -or * c - oi * s;
      const xr = er + tr;
      const xi = ei + ti;
      out[k] = xr * xr + xi * xi;
    }
  }
}

/** A periodic Hann window. */
export function hann(n: number): Float32Array {
  const w = new Float32Array(n);
  for (let i = 0; i < n; i++) w[i] = 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / n);
  return w;
}
