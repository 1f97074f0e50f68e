import path from 'node:path';
import { z } from 'zod';

/** "true"/"false" (and 1/0, yes/no) parsed explicitly; anything else is a config error. */
const boolString = (fallback: boolean) =>
  z
    .enum(['true', 'false', '1', '0', 'yes', 'no', ''])
    .default(fallback ? 'true' : 'false')
    .transform((v) => (v === '' ? fallback : v === 'true' || v === '1' || v === 'yes'));

const int = (fallback: number, min = 0, max = Number.MAX_SAFE_INTEGER) => z.coerce.number().int().min(min).max(max).default(fallback);

const optionalString = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === '' ? undefined : v.trim()));

const wsUrl = z
  .string()
  .default('ws://localhost:8080')
  .refine((v) => v === '' || /^wss?:\/\/[^\s]+$/.test(v), 'must be a ws:// or wss:// URL, or empty to disable');

const httpUrlList = z
  .string()
  .default('http://127.0.0.1:8000')
  .transform((v) =>
    v
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
  )
  .refine((list) => list.every((u) => /^https?:\/\/[^\s]+$/.test(u)), 'must be a comma-separated list of http(s) URLs, or empty to disable');

const LogLevel = z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']);

const Raw = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('production'),
  PORT: int(3000, 1, 65535),
  HOST: z.string().min(1).default('127.0.0.1'),
  DATA_DIR: z.string().min(1).default('./data'),
  DATABASE_PATH: optionalString,
  LOG_LEVEL: LogLevel.default('info'),
  /** Per-module levels, e.g. "scan=debug,engine=warn". */
  LOG_LEVELS: z
    .string()
    .default('')
    .refine((v) => v === '' || v.split(',').every((p) => /^[\w.-]+=(fatal|error|warn|info|debug|trace|silent)$/.test(p.trim())), 'must look like "module=level,module=level"'),
  LOG_PRETTY: boolString(false),

  MISMO_PASSWORD: optionalString,
  API_TOKEN: optionalString,
  SESSION_SECRET: optionalString,
  SESSION_TTL_HOURS: int(24 * 30, 1),
  /** Host names the web answers to (besides loopback and the bound address): "music.home,192.168.1.20". */
  ALLOWED_HOSTS: z.string().default(''),
  /** Addresses (IPs or CIDRs) of reverse proxies whose X-Forwarded-For is believed. */
  TRUSTED_PROXIES: z
    .string()
    .default('')
    .refine((v) => v.split(',').every((p) => p.trim() === '' || /^[0-9a-f.:]+(\/\d{1,3})?$/i.test(p.trim())), 'must be a comma-separated list of IP addresses or CIDRs'),

  WORKER_HOST: z.string().min(1).default('127.0.0.1'),
  WORKER_PORT: int(3001, 0, 65535),
  WORKER_SHUTDOWN_TIMEOUT_MS: int(15_000, 100),
  WORKER_HEARTBEAT_MS: int(2_000, 100),
  SMART_REFRESH_DEBOUNCE_MS: int(5_000, 50),
  WORKER_CONCURRENCY: int(2, 1, 64),
  /** Worker threads used for tag reading and hashing (0 = one per core). */
  SCAN_THREADS: int(0, 0, 64),

  PYTHON_SERVER_URL: httpUrlList,
  ANALYSIS_SERVER_REMOTE: boolString(false),
  CALLBACK_HOST: optionalString,
  CALLBACK_BASE_URL: optionalString,
  PYTHON_SERVER_AUTO_START: boolString(false),
  PYTHON_SERVER_PYTHON_PATH: optionalString,
  PYTHON_SERVER_APP_DIR: optionalString,
  PYTHON_SERVER_PORT: int(8000, 1, 65535),
  PYTHON_SERVER_STARTUP_TIMEOUT_MS: int(60_000, 1_000),
  PYTHON_REQUEST_TIMEOUT_MS: int(30_000, 100),
  ANALYSIS_SERVER_HEALTH_CHECK_INTERVAL_MS: int(10_000, 100),
  MAX_CONCURRENT_ANALYSIS: int(2, 1, 64),
  ANALYSIS_RETRY_DELAY_MS: int(5_000, 10),
  ANALYSIS_MAX_RETRIES: int(3, 1, 100),
  ANALYSIS_PROCESSING_TIMEOUT_MS: int(600_000, 1_000),
  ANALYSIS_THREADS: int(1, 1, 16),
  ANALYSIS_TRACK_TIMEOUT_MS: int(180_000, 1_000),

  AUDIO_SERVER_WS_URL: wsUrl,
  AUDIO_SERVER_AUTH_TOKEN: optionalString,
  AUDIO_SERVER_RECONNECT_DELAY: int(1_000, 10),
  AUDIO_SERVER_MAX_RECONNECT_DELAY: int(30_000, 10),
  AUDIO_SERVER_PING_INTERVAL: int(30_000, 100),
  AUDIO_SERVER_AUTO_START: boolString(false),
  AUDIO_SERVER_AUTO_RESTART: boolString(true),
  AUDIO_SERVER_EXECUTABLE_PATH: optionalString,
  AUDIO_SERVER_WORKING_DIR: optionalString,
  AUDIO_SERVER_STARTUP_TIMEOUT_MS: int(10_000, 100),
  AUDIO_SERVER_MAX_RESTARTS: int(5, 0),

  STEM_CACHE_MAX_BYTES: int(2 * 1024 ** 3, 0),
  /** Folders a local analysis server may hand stems over in (path delivery); empty: the system temp folder and PYTHON_SERVER_APP_DIR. */
  ANALYSIS_STEMS_PATHS: z.string().default(''),
});

export type RawEnv = z.input<typeof Raw>;

function resolveFrom(base: string, p: string) {
  return path.isAbsolute(p) ? path.normalize(p) : path.resolve(base, p);
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);
export const isLoopbackHost = (h: string) => LOOPBACK.has(h) || h.startsWith('127.');

/** A bind address as something to connect to locally: wildcard → loopback, IPv6 bracketed for URLs. */
export const dialableHost = (h: string) => (h === '0.0.0.0' || h === '::' ? '127.0.0.1' : h.includes(':') && !h.startsWith('[') ? `[${h}]` : h);

const list = (v: string) =>
  v
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);

function shape(r: z.output<typeof Raw>, cwd: string) {
  const dataDir = resolveFrom(cwd, r.DATA_DIR);
  const moduleLevels = Object.fromEntries(
    r.LOG_LEVELS.split(',')
      .map((p) => p.trim())
      .filter(Boolean)
      .map((p) => p.split('=') as [string, string]),
  );
  return {
    nodeEnv: r.NODE_ENV,
    dataDir,
    db: { path: r.DATABASE_PATH ? resolveFrom(cwd, r.DATABASE_PATH) : path.join(dataDir, 'library.db') },
    web: { host: r.HOST, port: r.PORT, allowedHosts: list(r.ALLOWED_HOSTS).map((h) => h.toLowerCase()), trustedProxies: list(r.TRUSTED_PROXIES) },
    auth: {
      password: r.MISMO_PASSWORD,
      apiToken: r.API_TOKEN,
      sessionSecret: r.SESSION_SECRET,
      sessionTtlMs: r.SESSION_TTL_HOURS * 3_600_000,
      /** Authentication is required whenever a password or token is configured. */
      enabled: Boolean(r.MISMO_PASSWORD ?? r.API_TOKEN),
    },
    log: { level: r.LOG_LEVEL, moduleLevels, pretty: r.LOG_PRETTY },
    worker: {
      host: r.WORKER_HOST,
      port: r.WORKER_PORT,
      shutdownTimeoutMs: r.WORKER_SHUTDOWN_TIMEOUT_MS,
      heartbeatMs: r.WORKER_HEARTBEAT_MS,
      smartRefreshDebounceMs: r.SMART_REFRESH_DEBOUNCE_MS,
      concurrency: r.WORKER_CONCURRENCY,
      scanThreads: r.SCAN_THREADS,
    },
    analysis: {
      serverUrls: r.PYTHON_SERVER_URL,
      remote: r.ANALYSIS_SERVER_REMOTE,
      callbackHost: r.CALLBACK_HOST,
      callbackBaseUrl: r.CALLBACK_BASE_URL,
      autoStart: r.PYTHON_SERVER_AUTO_START,
      pythonPath: r.PYTHON_SERVER_PYTHON_PATH,
      appDir: r.PYTHON_SERVER_APP_DIR,
      port: r.PYTHON_SERVER_PORT,
      startupTimeoutMs: r.PYTHON_SERVER_STARTUP_TIMEOUT_MS,
      requestTimeoutMs: r.PYTHON_REQUEST_TIMEOUT_MS,
      healthIntervalMs: r.ANALYSIS_SERVER_HEALTH_CHECK_INTERVAL_MS,
      concurrency: r.MAX_CONCURRENT_ANALYSIS,
      retryDelayMs: r.ANALYSIS_RETRY_DELAY_MS,
      maxAttempts: r.ANALYSIS_MAX_RETRIES,
      processingTimeoutMs: r.ANALYSIS_PROCESSING_TIMEOUT_MS,
      threads: r.ANALYSIS_THREADS,
      trackTimeoutMs: r.ANALYSIS_TRACK_TIMEOUT_MS,
    },
    audioEngine: {
      url: r.AUDIO_SERVER_WS_URL === '' ? undefined : r.AUDIO_SERVER_WS_URL,
      token: r.AUDIO_SERVER_AUTH_TOKEN,
      reconnectDelayMs: r.AUDIO_SERVER_RECONNECT_DELAY,
      maxReconnectDelayMs: r.AUDIO_SERVER_MAX_RECONNECT_DELAY,
      pingIntervalMs: r.AUDIO_SERVER_PING_INTERVAL,
      autoStart: r.AUDIO_SERVER_AUTO_START,
      autoRestart: r.AUDIO_SERVER_AUTO_RESTART,
      executablePath: r.AUDIO_SERVER_EXECUTABLE_PATH,
      workingDir: r.AUDIO_SERVER_WORKING_DIR,
      startupTimeoutMs: r.AUDIO_SERVER_STARTUP_TIMEOUT_MS,
      maxRestarts: r.AUDIO_SERVER_MAX_RESTARTS,
    },
    stems: { cacheMaxBytes: r.STEM_CACHE_MAX_BYTES, pathPrefixes: list(r.ANALYSIS_STEMS_PATHS).map((p) => resolveFrom(cwd, p)) },
  };
}

export type Env = ReturnType<typeof shape>;

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/**
 * Parses the environment once into a frozen, nested config. Every problem is reported at once,
 * as one readable list, so a bad config fails at start instead of at first use.
 */
export function loadEnv(source: Record<string, string | undefined> = process.env, cwd = process.cwd()): Env {
  const parsed = Raw.safeParse(source);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join('.') || '(env)'}: ${i.message} (got ${JSON.stringify(source[String(i.path[0])] ?? null)})`));
  }
  const env = shape(parsed.data, cwd);
  const problems: string[] = [];
  if (!isLoopbackHost(env.web.host) && !env.auth.enabled) {
    problems.push(`HOST: "${env.web.host}" exposes the library on the network; set MISMO_PASSWORD (and/or API_TOKEN) first, or keep HOST=127.0.0.1`);
  }
  if (env.auth.password !== undefined && env.auth.password.length < 8) problems.push('MISMO_PASSWORD: must be at least 8 characters');
  if (env.auth.apiToken !== undefined && env.auth.apiToken.length < 16) problems.push('API_TOKEN: must be at least 16 characters');
  if (env.analysis.autoStart && (!env.analysis.pythonPath || !env.analysis.appDir)) {
    problems.push('PYTHON_SERVER_AUTO_START: needs PYTHON_SERVER_PYTHON_PATH and PYTHON_SERVER_APP_DIR');
  }
  if (env.audioEngine.autoStart && !env.audioEngine.executablePath) {
    problems.push('AUDIO_SERVER_AUTO_START: needs AUDIO_SERVER_EXECUTABLE_PATH');
  }
  if (env.audioEngine.maxReconnectDelayMs < env.audioEngine.reconnectDelayMs) {
    problems.push('AUDIO_SERVER_MAX_RECONNECT_DELAY: must not be smaller than AUDIO_SERVER_RECONNECT_DELAY');
  }
  if (env.web.port === env.worker.port) problems.push('WORKER_PORT: must differ from PORT');
  if (problems.length) throw new ConfigError(problems);
  return deepFreeze(env);
}

/** Config for tests: defaults plus overrides, never touching process.env. */
export function makeTestEnv(overrides: Record<string, string> = {}, cwd = process.cwd()): Env {
  return loadEnv({ NODE_ENV: 'test', LOG_LEVEL: 'silent', AUDIO_SERVER_WS_URL: '', PYTHON_SERVER_URL: '', WORKER_PORT: '0', ...overrides }, cwd);
}

function deepFreeze<T>(o: T): T {
  if (o && typeof o === 'object') {
    for (const v of Object.values(o)) deepFreeze(v);
    Object.freeze(o);
  }
  return o;
}

/** For command-line entry points: the config, or its problems on stderr and exit code 78 (EX_CONFIG). */
export function loadEnvOrExit(): Env {
  try {
    return loadEnv();
  } catch (e) {
    if (e instanceof ConfigError) {
      console.error(e.message);
      process.exit(78);
    }
    throw e;
  }
}
