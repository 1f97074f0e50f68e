import pino from 'pino';
import type { Env } from './env';

export type Logger = pino.Logger;

/**
 * Structured JSON logs to stdout (the journal under systemd); pretty when LOG_PRETTY is on.
 * `child(module)` loggers honour per-module levels from LOG_LEVELS.
 */
export function createLogger(env: Pick<Env, 'log'>, name: string): Logger {
  const opts: pino.LoggerOptions = {
    name,
    level: env.log.level,
    base: { pid: process.pid, proc: name },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
  };
  const root = env.log.pretty
    ? pino({ ...opts, transport: { target: 'pino-pretty', options: { colorize: true, translateTime: 'HH:MM:ss.l', ignore: 'pid,hostname,proc' } } })
    : pino(opts);
  return withModules(root, env.log.moduleLevels);
}

function withModules(root: Logger, levels: Record<string, string>): Logger {
  const origChild = root.child.bind(root);
  root.child = ((bindings: pino.Bindings, options?: pino.ChildLoggerOptions) => {
    const mod = typeof bindings.module === 'string' ? bindings.module : undefined;
    const level = mod ? levels[mod] : undefined;
    return origChild(bindings, level ? { ...options, level } : options);
  }) as unknown as Logger['child'];
  return root;
}

export const silentLogger: Logger = pino({ level: 'silent' });
