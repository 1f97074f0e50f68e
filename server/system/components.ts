import type { ComponentState } from '@/drizzle/schema';
import type { HistogramData } from '../ops/prometheus';

/**
 * The worker's parts as its heartbeat reports them (`worker_status.components`): written by the
 * worker, read by the web (System page, header, health, metrics, the engine and analysis pages).
 * One module for both sides, so a reader never guesses at a shape the writer changed.
 */

interface Supervised {
  state: string;
  detail: string | null;
  pid: number | null;
  restarts: number;
}

export interface AudioEngineComponent extends ComponentState {
  url: string | null;
  version: string | null;
  registered: boolean;
  decks: Record<string, { trackId: string; loaded: boolean; since: number }>;
  latency: HistogramData;
  supervisor: Supervised | null;
}

export interface AnalysisComponent extends ComponentState {
  mode: 'auto' | 'builtin' | 'server';
  analyzer: 'builtin' | 'server' | null;
  builtin: { version: string; threads: number; running: number; tracks: number; failures: number; speed: number | null; secondsPerTrack: number | null };
  servers: { url: string; state: string; detail: string | null; version: string | null; checkedAt: number | null }[];
  supervisor: Supervised | null;
  stemCacheBytes?: number;
}

export interface MainLoopComponent extends ComponentState {
  p99Ms: number;
  maxMs: number;
  since: number;
  /** The longest stall after start-up (its first 10 s), and during it. */
  worstStallMs: number;
  worstStartupStallMs: number;
}

export interface WorkerComponents {
  analysis: AnalysisComponent;
  audioEngine: AudioEngineComponent;
  mainLoop: MainLoopComponent;
  jobs: ComponentState & { active: number; jobs?: unknown[] };
  http: ComponentState & { port: number };
  smartPlaylists: ComponentState & { playlists: number; lastRefreshAt: number; lastRefreshMs: number; lastChanged: number };
  watch: ComponentState & { watching: number; polling: number; errors: number };
}

/** One component of a worker's report, typed (undefined when the worker has not reported it). */
export function componentOf<K extends keyof WorkerComponents>(components: Record<string, ComponentState>, name: K): WorkerComponents[K] | undefined {
  return components[name] as WorkerComponents[K] | undefined;
}
