import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { PRIORITY } from '@/server/jobs/catalogue';
import { enqueueJob } from '@/server/jobs/queue';
import { silentLogger } from '@/server/log';
import { startFakeEngine } from '@/server/testing/fake-audio-engine';
import { fakeExecutable, processAlive, startsIn } from '@/server/testing/fake-child';
import { freePort } from '@/server/testing/free-port';
import { startWorker } from '../app';
import { analysisFixture, until } from '../analysis/testing';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** A worker that runs "the engine binary": a script starting the fake engine CLI on a free port. */
async function supervisedEngine(env: Record<string, string> = {}) {
  const port = await freePort();
  const bin = fs.mkdtempSync(path.join(os.tmpdir(), 'mismo-engine-'));
  cleanups.push(() => fs.rmSync(bin, { recursive: true, force: true }));
  const exe = fakeExecutable(path.join(bin, 'mismo-engine'), 'server/testing/fake-engine-cli.ts', { FAKE_ENGINE_PORT: port });
  const fx = analysisFixture(0, {
    AUDIO_SERVER_WS_URL: `ws://127.0.0.1:${port}`,
    AUDIO_SERVER_AUTO_START: 'true',
    AUDIO_SERVER_EXECUTABLE_PATH: exe,
    AUDIO_SERVER_WORKING_DIR: bin,
    AUDIO_SERVER_STARTUP_TIMEOUT_MS: '20000',
    AUDIO_SERVER_RECONNECT_DELAY: '50',
    AUDIO_SERVER_MAX_RECONNECT_DELAY: '200',
    ...env,
  });
  cleanups.push(fx.cleanup);
  const starts = () => startsIn<{ pid: number; args: string[] }>(bin);
  const start = async () => {
    const w = await startWorker(fx.env, { log: silentLogger });
    cleanups.push(() => w.stop());
    return w;
  };
  return { port, starts, start };
}

describe('the supervised audio engine', () => {
  it('is started without arguments, survives a dropped socket without a second engine, restarts after a crash up to its limit', async () => {
    const { starts, start } = await supervisedEngine({ AUDIO_SERVER_MAX_RESTARTS: '1' });
    const w = await start();
    const status = () => w.engine.supervisor!.status;
    const first = await until('the engine', () => w.engine.link?.connected && status().state === 'running' && starts()[0], 20_000);
    expect(first.args).toEqual([]);

    // a dropped socket is not a crash
    w.engine.link!.reconnectNow();
    await new Promise((r) => setTimeout(r, 300));
    await until('relinked', () => w.engine.link?.connected);
    expect(starts()).toHaveLength(1);
    expect(status()).toMatchObject({ state: 'running', pid: first.pid, restarts: 0 });

    process.kill(first.pid, 'SIGKILL');
    await until('a crash seen', () => status().state === 'crashed');
    const second = await until('restarted', () => status().state === 'running' && starts()[1], 20_000);
    await until('relinked to the new engine', () => w.engine.link?.connected);
    expect(processAlive(first.pid)).toBe(false);

    process.kill(second.pid, 'SIGKILL');
    await until('given up', () => status().state === 'failed', 10_000);
    expect(status().detail).toMatch(/gave up after 1 restarts/);
    expect(starts()).toHaveLength(2);

    // restart on request (what tRPC audioEngine.restart enqueues) starts it again
    enqueueJob(w.ctx.db, 'audioEngine.control', { action: 'restart' }, { priority: PRIORITY.urgent }, Date.now());
    await until('started on request', () => status().state === 'running' && starts()[2], 20_000);
  }, 90_000);

  it('does not start an engine when one already answers at the address', async () => {
    const { port, starts, start } = await supervisedEngine();
    const running = await startFakeEngine({ port });
    cleanups.push(() => running.close());
    const w = await start();
    await until('linked to the running engine', () => w.engine.link?.connected && running.connected);
    await new Promise((r) => setTimeout(r, 500));
    expect(starts()).toEqual([]);
    expect(w.engine.supervisor!.status.state).toBe('stopped');
  }, 30_000);
});
