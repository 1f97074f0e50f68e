import type { Db } from './db/client';
import type { Env } from './env';
import type { Logger } from './log';
import type { Clock } from './clock';
import { SettingsStore } from './settings/store';
import { nodeVolumes, type VolumesPort } from './ports/volumes';
import type { ScannerPort } from './scan/scanner-port';

export interface AnalysisControlPort {
  control(action: 'start' | 'stop' | 'restart'): Promise<void>;
  cancelRemote(serverUrl: string, audioHash: string): Promise<void>;
  wake(): void;
}

export interface AudioEngineControlPort {
  control(action: 'start' | 'stop' | 'restart' | 'reconnect'): Promise<void>;
}

/** Side effects the domain reaches through, so tests can swap them for fakes. */
export interface Ports {
  volumes: VolumesPort;
  /** Walking and file analysis; only the worker (and tests) have one. */
  scanner?: ScannerPort;
  /** The worker's analysis service, for control jobs (start/stop/restart the server, cancel remotely). */
  analysis?: AnalysisControlPort;
  /** The worker's audio-engine link and supervisor, for control jobs. */
  audioEngine?: AudioEngineControlPort;
}

/**
 * Everything a verb needs. Both processes build one at start; tests build one per test with an
 * in-memory database and fake ports.
 */
export interface AppContext {
  env: Env;
  db: Db;
  log: Logger;
  clock: Clock;
  settings: SettingsStore;
  ports: Ports;
  processKind: 'web' | 'worker' | 'cli' | 'test';
}

export function createAppContext(deps: { env: Env; db: Db; log: Logger; clock: Clock; processKind: AppContext['processKind']; ports?: Partial<Ports> }): AppContext {
  return {
    env: deps.env,
    db: deps.db,
    log: deps.log,
    clock: deps.clock,
    processKind: deps.processKind,
    settings: new SettingsStore(deps.db, { now: () => deps.clock.now() }),
    ports: { volumes: nodeVolumes, ...deps.ports },
  };
}
