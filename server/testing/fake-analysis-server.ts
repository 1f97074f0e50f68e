import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';

/**
 * A small stand-in for the Mismo analysis server that speaks its real protocol (PROTOCOLS B §1–2,
 * §4): `GET /health`, `POST /jobs` (JSON with `file_path`, or multipart upload), `GET` and
 * `DELETE /jobs/{id}`, and callbacks per stage with realistic data — booleans in characteristics,
 * negative energy, base64 waveforms for three zoom levels, stems by path, base64 or URL. Failure
 * modes are switches on `behaviour`. For tests only; never shipped.
 */
export interface FakeBehaviour {
  healthy: boolean;
  /** Delay before the first callback and between callbacks. */
  delayMs: number;
  /** POST /jobs answers this status instead of 200 (e.g. 500). */
  submitStatus: number;
  /** Stage reported as `status: "failed"`. */
  failStage?: string;
  /** Every callback is delivered twice. */
  duplicate: boolean;
  /** `job_completed` is delivered before the stage callbacks. */
  outOfOrder: boolean;
  /** Jobs wait for `release(hash)` before any callback. */
  hold: boolean;
  stemDelivery: 'path' | 'base64' | 'url';
  /** URL delivery pointing at another host than this server (must be refused). */
  foreignStemHost: boolean;
  /** URL delivery from this base instead (e.g. another port on the same host: must be refused). */
  stemUrlBase?: string;
  /** The stem files answer with a redirect there (must not be followed). */
  stemRedirectTo?: string;
  /** Path delivery naming these files instead of its own (hostile paths: must be refused). */
  stemPaths?: Record<string, string>;
}

export interface Submitted {
  hash: string;
  mode: 'json' | 'multipart';
  filePath?: string;
  fileName?: string;
  fileBytes?: number;
  options: Record<string, boolean>;
  callbackUrl: string;
  stemDelivery: string;
  at: number;
}

export interface CallbackSent {
  hash: string;
  stage: string;
  status: number;
  /** The callback URL it went to (its secret names the dispatch). */
  url: string;
}

/** Deterministic "analysis" of a hash, so tests can predict what lands. */
export function fakeResults(hash: string) {
  const n = parseInt(hash.slice(0, 8), 16);
  const bpm = 110 + (n % 300) / 10; // 110.0 … 139.9
  return { bpm, key: n % 12, mode: Math.floor(n / 16) % 2, energy: -((n % 90) / 10) - 1 };
}

function waveform(level: number, pixels: number) {
  const band = (phase: number) => {
    const b = Buffer.alloc(pixels);
    for (let i = 0; i < pixels; i++) b[i] = Math.round(127 + 120 * Math.sin(i / (7 + level * 5) + phase));
    return b.toString('base64');
  };
  return {
    zoom_level: level,
    num_pixels: pixels,
    samples_per_pixel: Math.round((220 * 44100) / pixels),
    sample_rate: 44100,
    low_freq_amplitude: band(0),
    low_freq_intensity: band(0.5),
    mid_freq_amplitude: band(1),
    mid_freq_intensity: band(1.5),
    high_freq_amplitude: band(2),
    high_freq_intensity: Array.from({ length: pixels }, (_, i) => (i % 50) / 50), // a legacy number band, 0..1
  };
}

/** A tiny valid WAV (silence) standing in for a separated stem. */
export function tinyWav(seconds = 0.1, rate = 8000) {
  const n = Math.round(seconds * rate);
  const b = Buffer.alloc(44 + n * 2);
  b.write('RIFF', 0);
  b.writeUInt32LE(36 + n * 2, 4);
  b.write('WAVEfmt ', 8);
  b.writeUInt32LE(16, 16);
  b.writeUInt16LE(1, 20);
  b.writeUInt16LE(1, 22);
  b.writeUInt32LE(rate, 24);
  b.writeUInt32LE(rate * 2, 28);
  b.writeUInt16LE(2, 32);
  b.writeUInt16LE(16, 34);
  b.write('data', 36);
  b.writeUInt32LE(n * 2, 40);
  return b;
}

function stageData(stage: string, hash: string, behaviour: FakeBehaviour, baseUrl: string, jobsDir: string) {
  const r = fakeResults(hash);
  if (stage === 'basic_features') {
    const beats = Array.from({ length: 64 }, (_, i) => Math.round((0.12 + (i * 60) / r.bpm) * 1000) / 1000);
    return {
      key: r.key,
      key_name: ['C', 'C#', 'D', 'D#', 'E', 'F', 'F#', 'G', 'G#', 'A', 'A#', 'B'][r.key],
      mode: r.mode,
      mode_name: r.mode ? 'major' : 'minor',
      key_strength: 0.757,
      tempo: r.bpm,
      beats,
      downbeats: beats.filter((_, i) => i % 4 === 0),
      beat_consistency: 0.976,
      num_beats: beats.length,
      num_downbeats: beats.length / 4,
      firstBeatOffset: beats[0],
      firstPhraseBeatNo: 1,
      audibleStartTime: 0.05,
      audibleEndTime: 219.5,
      waveforms: [waveform(0, 1000), waveform(1, 4000), waveform(2, 16000)],
    };
  }
  if (stage === 'characteristics') {
    return { danceability: true, valence: 6.49, arousal: 6.51, energy: r.energy, loudness: -12.0, acousticness: false, instrumentalness: true, processing_time: 1.2 };
  }
  if (stage === 'genre') return { genres: [{ label: 'Electronic---House', score: 0.81 }] };
  if (stage === 'segments') return { segments: [{ start: 0, end: 32, label: 'intro' }] };
  if (stage === 'transitions') return { transitions: [{ time: 96, score: 0.7 }] };
  if (stage === 'stems') {
    const names = ['vocals', 'drums', 'bass', 'other'];
    const wav = tinyWav();
    let stems: Record<string, string>;
    if (behaviour.stemDelivery === 'path') {
      const dir = path.join(jobsDir, hash, 'stems');
      fs.mkdirSync(dir, { recursive: true });
      stems = Object.fromEntries(names.map((n) => [n, path.join(dir, `${n}.wav`)]));
      for (const p of Object.values(stems)) fs.writeFileSync(p, wav);
      if (behaviour.stemPaths) stems = behaviour.stemPaths;
    } else if (behaviour.stemDelivery === 'base64') {
      stems = Object.fromEntries(names.map((n) => [n, wav.toString('base64')]));
    } else {
      const base = behaviour.stemUrlBase ?? (behaviour.foreignStemHost ? baseUrl.replace('127.0.0.1', 'localhost') : baseUrl);
      stems = Object.fromEntries(names.map((n) => [n, `${base}/files/${hash}/${n}.wav`]));
    }
    const stemWave = {
      zoom_level: 0,
      num_pixels: 100,
      ...Object.fromEntries(['vocals', 'drums', 'bass', 'other'].flatMap((s) => [`${s}_amplitude`, `${s}_intensity`]).map((k) => [k, Buffer.alloc(100, 100).toString('base64')])),
    };
    return {
      delivery_mode: behaviour.stemDelivery === 'path' ? 'path' : 'callback',
      stems,
      format: 'wav',
      model: 'htdemucs',
      processing_time: 45.3,
      ...(behaviour.stemDelivery === 'base64' ? { encoding: 'base64' } : {}),
      waveforms: [stemWave],
    };
  }
  return {};
}

function parseMultipart(body: Buffer, contentType: string) {
  const boundary = /boundary=(?:"([^"]+)"|([^;]+))/.exec(contentType);
  if (!boundary) throw new Error('no boundary');
  const sep = Buffer.from(`--${boundary[1] ?? boundary[2]}`);
  const fields: Record<string, string> = {};
  const order: string[] = [];
  let file: { name: string; bytes: number } | undefined;
  let at = body.indexOf(sep);
  while (at >= 0) {
    const next = body.indexOf(sep, at + sep.length);
    if (next < 0) break;
    const part = body.subarray(at + sep.length + 2, next - 2);
    const headEnd = part.indexOf('\r\n\r\n');
    const head = part.subarray(0, headEnd).toString();
    const content = part.subarray(headEnd + 4);
    const name = /name="([^"]+)"/.exec(head)?.[1] ?? '';
    order.push(name);
    const filename = /filename="([^"]*)"/.exec(head)?.[1];
    if (filename !== undefined) file = { name: filename, bytes: content.length };
    else fields[name] = content.toString();
    at = next;
  }
  return { fields, file, order };
}

/** What the fake holds between requests: its behaviour, the jobs, and what it was sent and sent back. */
interface FakeState {
  behaviour: FakeBehaviour;
  jobsDir: string;
  baseUrl: string;
  submitted: Submitted[];
  callbacks: CallbackSent[];
  jobs: Map<string, { cancelled: boolean; done: boolean; release?: () => void }>;
  stats: { inFlight: number; maxInFlight: number; multipartFieldOrder: string[] };
}

async function postJson(url: string, body: unknown) {
  try {
    const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    await res.body?.cancel();
    return res.status;
  } catch {
    return 0;
  }
}

/** A job's callbacks: one per asked stage (or a failure), then job_completed / job_failed, as the behaviour bends them. */
async function runJob(st: FakeState, s: Submitted) {
  const { behaviour, stats } = st;
  const job = st.jobs.get(s.hash)!;
  if (behaviour.hold) await new Promise<void>((r) => (job.release = r));
  const stages = ['basic_features', 'characteristics', 'genre', 'stems', 'segments', 'transitions'].filter((x) => s.options[x]);
  const envelope = (stage: string, status = 'completed', data: unknown = {}) => ({ job_id: s.hash, stage, status, timestamp: new Date().toISOString(), data });
  const plan: object[] = stages.map((x) =>
    x === behaviour.failStage
      ? { job_id: s.hash, stage: x, status: 'failed', timestamp: new Date().toISOString(), error: { message: `${x} model crashed` } }
      : envelope(x, 'completed', stageData(x, s.hash, behaviour, st.baseUrl, st.jobsDir)),
  );
  const done =
    behaviour.failStage && stages.includes(behaviour.failStage)
      ? envelope('job_failed', 'failed', { error: `${behaviour.failStage} failed` })
      : envelope('job_completed', 'completed', { processing_time: 2.5 });
  if (behaviour.outOfOrder) plan.unshift(done);
  else plan.push(done);
  let counted = true;
  for (const cb of plan) {
    await new Promise((r) => setTimeout(r, behaviour.delayMs));
    if (job.cancelled) break;
    const stage = (cb as { stage: string }).stage;
    // the server's slot is free once it reports the job finished
    if ((stage === 'job_completed' || stage === 'job_failed') && counted) {
      counted = false;
      stats.inFlight--;
    }
    for (let i = 0; i < (behaviour.duplicate ? 2 : 1); i++) st.callbacks.push({ hash: s.hash, stage, status: await postJson(s.callbackUrl, cb), url: s.callbackUrl });
  }
  job.done = true;
  if (counted) stats.inFlight--;
}

/** A POST /jobs body (multipart upload or JSON with a path), or the status and detail the real server answers. */
function readSubmission(st: FakeState, body: Buffer, contentType: string): Submitted | { status: number; detail: string } {
  try {
    if (contentType.startsWith('multipart/form-data')) {
      const mp = parseMultipart(body, contentType);
      st.stats.multipartFieldOrder = mp.order;
      return {
        hash: mp.fields.track_hash!,
        mode: 'multipart',
        fileName: mp.file?.name,
        fileBytes: mp.file?.bytes,
        options: JSON.parse(mp.fields.options!) as Record<string, boolean>,
        callbackUrl: mp.fields.callback_url!,
        stemDelivery: mp.fields.stem_delivery_mode!,
        at: Date.now(),
      };
    }
    const j = JSON.parse(body.toString()) as { file_path: string; track_hash: string; options: Record<string, boolean>; callback_url: string; stem_delivery_mode: string };
    if (!fs.existsSync(j.file_path)) return { status: 400, detail: `File not found: ${j.file_path}` };
    return { hash: j.track_hash, mode: 'json', filePath: j.file_path, options: j.options, callbackUrl: j.callback_url, stemDelivery: j.stem_delivery_mode, at: Date.now() };
  } catch (e) {
    return { status: 422, detail: String(e) };
  }
}

function submitJob(st: FakeState, body: Buffer, contentType: string): [number, unknown] {
  if (st.behaviour.submitStatus !== 200) return [st.behaviour.submitStatus, { detail: 'Internal Server Error' }];
  const s = readSubmission(st, body, contentType);
  if ('status' in s) return [s.status, { detail: s.detail }];
  st.submitted.push(s);
  st.jobs.set(s.hash, { cancelled: false, done: false });
  st.stats.inFlight++;
  st.stats.maxInFlight = Math.max(st.stats.maxInFlight, st.stats.inFlight);
  void runJob(st, s);
  const created = new Date().toISOString();
  return [200, { job_id: s.hash, status: 'queued', track_hash: s.hash, created_at: created, callback_url: s.callbackUrl, stem_delivery_mode: s.stemDelivery }];
}

/** The routes of PROTOCOLS.md's analysis server: health, jobs (submit, status, cancel) and stem files. */
function handleRequest(st: FakeState, req: http.IncomingMessage, res: http.ServerResponse, body: Buffer) {
  const { behaviour, jobs } = st;
  const url = new URL(req.url ?? '/', 'http://fake');
  const send = (status: number, payload: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(payload));
  };
  if (req.method === 'GET' && url.pathname === '/health') {
    return behaviour.healthy ? send(200, { status: 'ok', version: 'fake-1.0', jobs_queued: 0, jobs_processing: st.stats.inFlight }) : send(503, { status: 'loading' });
  }
  const m = /^\/jobs\/([0-9a-f]+)$/.exec(url.pathname);
  if (m && req.method === 'DELETE') {
    const j = jobs.get(m[1]!);
    if (!j || j.done) return send(404, { detail: 'Job not found' });
    j.cancelled = true;
    j.release?.();
    return send(200, { job_id: m[1], status: 'cancelled' });
  }
  if (m && req.method === 'GET') {
    const j = jobs.get(m[1]!);
    return j ? send(200, { job_id: m[1], status: j.done ? 'completed' : 'processing' }) : send(404, { detail: 'Job not found' });
  }
  if (req.method === 'GET' && /^\/files\/([0-9a-f]+)\/(\w+)\.wav$/.test(url.pathname)) {
    if (behaviour.stemRedirectTo) {
      res.writeHead(302, { location: behaviour.stemRedirectTo });
      return res.end();
    }
    res.writeHead(200, { 'content-type': 'audio/wav' });
    return res.end(tinyWav());
  }
  if (req.method === 'POST' && url.pathname === '/jobs') return send(...submitJob(st, body, req.headers['content-type'] ?? ''));
  send(404, { detail: 'Not Found' });
}

export async function startFakeAnalysisServer(opts: { port?: number; behaviour?: Partial<FakeBehaviour> } = {}) {
  const st: FakeState = {
    behaviour: { healthy: true, delayMs: 20, submitStatus: 200, duplicate: false, outOfOrder: false, hold: false, stemDelivery: 'path', foreignStemHost: false, ...opts.behaviour },
    jobsDir: fs.mkdtempSync(path.join(os.tmpdir(), 'fake-analysis-jobs-')),
    baseUrl: '',
    submitted: [],
    callbacks: [],
    jobs: new Map(),
    stats: { inFlight: 0, maxInFlight: 0, multipartFieldOrder: [] },
  };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => handleRequest(st, req, res, Buffer.concat(chunks)));
  });
  await new Promise<void>((r) => server.listen(opts.port ?? 0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  st.baseUrl = `http://127.0.0.1:${port}`;
  const { behaviour, submitted, callbacks, stats, jobsDir, baseUrl } = st;
  return {
    url: baseUrl,
    port,
    behaviour,
    submitted,
    callbacks,
    stats,
    jobsDir,
    /** Lets held jobs (behaviour.hold) send their callbacks. */
    release(hash?: string) {
      for (const [h, j] of st.jobs) if (!hash || h === hash) j.release?.();
    },
    /** Sends a callback of our own (e.g. with a forged secret). */
    post: postJson,
    stageData: (stage: string, hash: string) => stageData(stage, hash, behaviour, baseUrl, jobsDir),
    async close() {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
      fs.rmSync(jobsDir, { recursive: true, force: true });
    },
  };
}

export type FakeAnalysisServer = Awaited<ReturnType<typeof startFakeAnalysisServer>>;
