import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createAppContext, type AppContext, type Ports } from '../context';
import { openDatabase, closeDatabase, type Db } from '../db/client';
import { runMigrations } from '../db/migrate';
import { makeTestEnv } from '../env';
import { fakeClock } from '../clock';
import { silentLogger } from '../log';
import { readEventsAfter } from '../events/outbox';
import type { StoredEvent } from '../events/catalogue';
import { fakeVolumes } from './fake-volumes';

export interface TestContext {
  ctx: AppContext;
  db: Db;
  clock: ReturnType<typeof fakeClock>;
  volumes: ReturnType<typeof fakeVolumes>;
  /** A fresh temp folder, removed by cleanup(). */
  tmp: string;
  /** Every event appended so far (or after `afterId`). */
  events(afterId?: number): StoredEvent[];
  cleanup(): void;
}

/** The wall clock, shaped like the fake one (advance/set shift it), for tests that wait for real timers. */
function realClock(): ReturnType<typeof fakeClock> {
  let offset = 0;
  return {
    now: () => Date.now() + offset,
    advance: (ms) => {
      offset += ms;
    },
    set: (ms) => {
      offset = ms - Date.now();
    },
  };
}

/** Real migrations on a real SQLite database (in memory unless `file`), fake clock and ports. */
export function createTestContext(opts: { file?: boolean; env?: Record<string, string>; ports?: Partial<Ports>; realClock?: boolean } = {}): TestContext {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'mismo-test-'));
  const env = makeTestEnv({ DATA_DIR: path.join(tmp, 'data'), ...opts.env });
  const db = openDatabase(opts.file ? env.db.path : ':memory:');
  runMigrations(db.$client);
  const clock = opts.realClock ? realClock() : fakeClock();
  const volumes = fakeVolumes();
  const ctx = createAppContext({ env, db, log: silentLogger, clock, processKind: 'test', ports: { volumes, ...opts.ports } });
  return {
    ctx,
    db,
    clock,
    volumes,
    tmp,
    events: (afterId = 0) => readEventsAfter(db, afterId, 100_000),
    cleanup() {
      closeDatabase(db);
      fs.rmSync(tmp, { recursive: true, force: true });
    },
  };
}
