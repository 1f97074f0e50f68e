import { spawn, type ChildProcess } from 'node:child_process';
import type { Logger } from '@/server/log';
import { pipeChildOutput } from '@/server/ops/child-logs';

export type SupervisedState = 'stopped' | 'starting' | 'running' | 'crashed' | 'failed';

export interface SupervisorOptions {
  name: string;
  command: string;
  args: string[];
  cwd?: string;
  env: () => Record<string, string | undefined>;
  /** Resolves true once the child answers (e.g. its health endpoint). */
  ready: () => Promise<boolean>;
  startupTimeoutMs: number;
  log: Logger;
  /** Restarts after a crash before giving up (Infinity: never give up). */
  maxRestarts?: number;
  backoffMs?: [number, number];
  onState?: (state: SupervisedState, detail?: string) => void;
}

/**
 * Runs one child process (the analysis server, the audio engine): output into our log with a
 * prefix, ready once its probe answers, restarted after a crash with exponential backoff (reset
 * after a minute of running), stopped with SIGTERM then SIGKILL. Never more than one child.
 */
export class Supervisor {
  private child: ChildProcess | undefined;
  private state: SupervisedState = 'stopped';
  private detail: string | undefined;
  private wanted = false;
  private restarts = 0;
  private restartTimer: NodeJS.Timeout | undefined;
  private runningSince = 0;

  constructor(private readonly o: SupervisorOptions) {}

  get status() {
    return { state: this.state, detail: this.detail, pid: this.child?.pid ?? null, restarts: this.restarts };
  }

  private set(state: SupervisedState, detail?: string) {
    this.state = state;
    this.detail = detail;
    this.o.onState?.(state, detail);
  }

  /** Starts the child (no-op when it runs); resolves once it is ready or has failed to start. */
  async start(): Promise<boolean> {
    this.wanted = true;
    clearTimeout(this.restartTimer);
    if (this.child) return this.state === 'running';
    this.set('starting');
    let child: ChildProcess;
    try {
      child = spawn(this.o.command, this.o.args, { cwd: this.o.cwd, env: this.o.env() as NodeJS.ProcessEnv, stdio: ['ignore', 'pipe', 'pipe'] });
    } catch (e) {
      this.set('failed', e instanceof Error ? e.message : String(e));
      return false;
    }
    this.child = child;
    pipeChildOutput(child, this.o.log, this.o.name);
    let exited = false;
    child.once('error', (e) => {
      this.o.log.error({ err: e }, `${this.o.name} could not be started`);
      exited = true;
      this.onExit(child, null, null, e.message);
    });
    child.once('exit', (code, signal) => {
      exited = true;
      this.onExit(child, code, signal);
    });
    const deadline = Date.now() + this.o.startupTimeoutMs;
    while (!exited && Date.now() < deadline) {
      if (await this.o.ready().catch(() => false)) {
        this.runningSince = Date.now();
        this.set('running');
        return true;
      }
      await new Promise((r) => setTimeout(r, 250));
    }
    if (!exited) {
      this.o.log.error(`${this.o.name} did not become ready within ${this.o.startupTimeoutMs} ms; stopping it`);
      this.set('starting', 'not ready in time');
      await this.kill(child);
    }
    return false;
  }

  private onExit(child: ChildProcess, code: number | null, signal: NodeJS.Signals | null, error?: string) {
    if (this.child !== child) return;
    this.child = undefined;
    if (!this.wanted) return this.set('stopped');
    if (Date.now() - this.runningSince > 60_000) this.restarts = 0;
    const why = error ?? `exited (${signal ?? `code ${code}`})`;
    if (this.restarts >= (this.o.maxRestarts ?? Infinity)) {
      this.set('failed', `${why}; gave up after ${this.restarts} restarts`);
      return;
    }
    const [base, max] = this.o.backoffMs ?? [1_000, 60_000];
    const delay = Math.min(max, base * 2 ** this.restarts);
    this.restarts++;
    this.set('crashed', `${why}; restarting in ${Math.round(delay / 1000)} s`);
    this.o.log.warn({ delay, restarts: this.restarts }, `${this.o.name} ${why}; restarting`);
    this.restartTimer = setTimeout(() => void this.start(), delay);
  }

  private async kill(child: ChildProcess) {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const gone = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    const t = setTimeout(() => child.kill('SIGKILL'), 5_000);
    await gone;
    clearTimeout(t);
  }

  async stop() {
    this.wanted = false;
    clearTimeout(this.restartTimer);
    const c = this.child;
    if (c) await this.kill(c);
    this.child = undefined;
    this.set('stopped');
  }

  async restart() {
    await this.stop();
    this.restarts = 0;
    return this.start();
  }
}
