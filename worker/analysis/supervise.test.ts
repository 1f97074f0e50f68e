import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { libraryDirectories } from '@/drizzle/schema';
import { fakeExecutable, processAlive, startsIn } from '@/server/testing/fake-child';
import { freePort } from '@/server/testing/free-port';
import { enqueueJob } from '@/server/jobs/queue';
import { PRIORITY } from '@/server/jobs/catalogue';
import { silentLogger } from '@/server/log';
import { startWorker } from '../app';
import { analysisFixture, jobsByStatus, until } from './testing';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

interface Start {
  pid: number;
  args: string[];
  allowed: string[];
  allowFilePaths: string;
}

/**
 * A worker that supervises "the analysis server": PYTHON_SERVER_PYTHON_PATH is a script that runs
 * the fake server CLI with the arguments the real one would get.
 */
async function supervised(n: number) {
  const port = await freePort();
  const bin = fs.mkdtempSync(path.join(os.tmpdir(), 'mismo-supervise-'));
  cleanups.push(() => fs.rmSync(bin, { recursive: true, force: true }));
  const appDir = path.join(bin, 'analysis-app');
  fs.mkdirSync(appDir);
  const python = fakeExecutable(path.join(bin, 'python'), 'server/testing/fake-analysis-cli.ts');
  const fx = analysisFixture(n, {
    PYTHON_SERVER_URL: `http://127.0.0.1:${port}`,
    PYTHON_SERVER_AUTO_START: 'true',
    PYTHON_SERVER_PYTHON_PATH: python,
    PYTHON_SERVER_APP_DIR: appDir,
    PYTHON_SERVER_PORT: String(port),
    PYTHON_SERVER_STARTUP_TIMEOUT_MS: '30000',
  });
  cleanups.push(fx.cleanup);
  const w = await startWorker(fx.env, { log: silentLogger });
  cleanups.push(() => w.stop());
  const starts = () => startsIn<Start>(appDir);
  const status = () => w.analysis.supervisor!.status;
  return { fx, w, port, starts, status };
}

describe('the supervised analysis server', () => {
  it('is started with the library folders it may read, restarted after a crash, and drains the queue', async () => {
    const { fx, w, port, starts, status } = await supervised(6);
    const first = await until('the server to run', () => status().state === 'running' && starts()[0], 30_000);
    expect(first.args).toEqual(['-m', 'uvicorn', 'src.app:app', '--host', '127.0.0.1', '--port', String(port)]);
    expect(first.allowed).toEqual([fx.music]);
    expect(first.allowFilePaths).toBe('true');
    await until('6 analyses', () => jobsByStatus(w.ctx.db, 'completed').length === 6, 30_000);

    process.kill(first.pid, 'SIGKILL');
    await until('the crash to be seen', () => status().state === 'crashed' && status());
    expect(status().detail).toMatch(/SIGKILL.*restarting in 1 s/);
    const second = await until('a restart', () => status().state === 'running' && starts()[1], 30_000);
    expect(second.pid).not.toBe(first.pid);
    expect(status().restarts).toBe(1);
    expect(starts()).toHaveLength(2); // never two at once
    expect(processAlive(first.pid)).toBe(false);
  }, 90_000);

  it('restarts when library folders change, and obeys start, stop and restart requests', async () => {
    const { fx, w, starts, status } = await supervised(0);
    await until('the server to run', () => status().state === 'running' && starts()[0], 30_000);

    const gig = path.join(fx.tmp, 'gig');
    fs.mkdirSync(gig);
    w.ctx.db.insert(libraryDirectories).values({ id: crypto.randomUUID(), path: gig, name: 'Gig', createdAt: 2, updatedAt: 2 }).run();
    const restarted = await until('a restart with the new folder', () => starts()[1], 30_000);
    expect([...restarted.allowed].sort()).toEqual([gig, fx.music].sort());
    await until('it to run again', () => status().state === 'running');

    // what tRPC analysis.control enqueues (tested in the router's tests); the worker carries it out
    const control = (action: 'start' | 'stop' | 'restart') => enqueueJob(w.ctx.db, 'analysis.control', { action, remote: [] }, { priority: PRIORITY.urgent }, Date.now());
    control('stop');
    await until('stopped', () => status().state === 'stopped');
    expect(processAlive(restarted.pid)).toBe(false);
    control('start');
    const third = await until('started again', () => status().state === 'running' && starts()[2], 30_000);
    control('restart');
    const fourth = await until('restarted', () => status().state === 'running' && starts()[3], 30_000);
    expect(processAlive(third.pid)).toBe(false);
    expect(fourth.pid).not.toBe(third.pid);
    expect(status().restarts).toBe(0);
  }, 120_000);
});
