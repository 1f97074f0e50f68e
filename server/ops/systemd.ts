import os from 'node:os';
import path from 'node:path';

export type ServiceScope = 'user' | 'system';

export interface UnitOptions {
  scope: ServiceScope;
  /** The project folder (WorkingDirectory). */
  appDir: string;
  /** Absolute path of the node binary. */
  nodePath: string;
  dataDir: string;
  envFile: string;
  /** Library folders the worker moves, renames and trashes files in. */
  libraryDirs: string[];
  /** System scope: the account the services run as. */
  user?: string;
  group?: string;
  /** The worker's graceful drain limit (WORKER_SHUTDOWN_TIMEOUT_MS), in ms. */
  workerShutdownMs: number;
  webUrl: string;
  workerHealthUrl: string;
}

export const UNIT_NAMES = { web: 'mismo-library-web.service', worker: 'mismo-library-worker.service' } as const;

/** Where units, the env file and the data folder go for each scope (XDG for a user, FHS system-wide). */
export function defaultPaths(scope: ServiceScope, home = os.homedir()) {
  return scope === 'system'
    ? { unitDir: '/etc/systemd/system', envFile: '/etc/mismo-library/mismo-library.env', dataDir: '/var/lib/mismo-library' }
    : {
        unitDir: path.join(process.env.XDG_CONFIG_HOME ?? path.join(home, '.config'), 'systemd/user'),
        envFile: path.join(process.env.XDG_CONFIG_HOME ?? path.join(home, '.config'), 'mismo-library/mismo-library.env'),
        dataDir: path.join(process.env.XDG_DATA_HOME ?? path.join(home, '.local/share'), 'mismo-library'),
      };
}

/** Quotes a path for a unit file's command line or path list (systemd's C-style escaping). */
function q(p: string) {
  if (/[\n\0]/.test(p)) throw new Error(`path not allowed in a unit file: ${JSON.stringify(p)}`);
  const escaped = p.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/%/g, '%%');
  return /[\s"'\\;%$]/.test(p) ? `"${escaped}"` : escaped;
}

/** Removable drives are mounted after the service starts: their mount roots stay writable too. */
const REMOVABLE_ROOTS = ['/media', '/mnt', '/run/media'];

function sandbox(o: UnitOptions, writable: string[]) {
  const lines = [
    'NoNewPrivileges=yes',
    'ProtectSystem=strict',
    // "-": a folder that is not there (an unplugged drive) must not stop the service from starting
    `ReadWritePaths=${[o.dataDir, ...writable].map((p) => q(`-${p}`)).join(' ')}`,
    'PrivateTmp=yes',
    'ProtectKernelTunables=yes',
    'ProtectKernelModules=yes',
    'ProtectControlGroups=yes',
    'RestrictSUIDSGID=yes',
    'LockPersonality=yes',
    'RestrictRealtime=yes',
    'UMask=0027',
  ];
  // user managers can only sandbox inside a user namespace
  if (o.scope === 'user') lines.unshift('PrivateUsers=yes');
  return lines;
}

function common(o: UnitOptions) {
  return [
    ...(o.scope === 'system' && o.user ? [`User=${o.user}`, ...(o.group ? [`Group=${o.group}`] : [])] : []),
    `WorkingDirectory=${q(o.appDir)}`,
    `EnvironmentFile=${q(o.envFile)}`,
    'Environment=NODE_ENV=production NEXT_TELEMETRY_DISABLED=1',
    'Restart=on-failure',
    'RestartSec=2',
  ];
}

/** One unit file: the parts both services share, around what is their own. */
function unit(o: UnitOptions, own: { description: string; after: string; wants: string; service: string[]; writable: string[] }): string {
  return [
    '[Unit]',
    `Description=${own.description}`,
    'Documentation=file://' + encodeURI(path.join(o.appDir, 'README.md')),
    `After=${own.after}`,
    `Wants=${own.wants}`,
    'StartLimitIntervalSec=300',
    'StartLimitBurst=10',
    '',
    '[Service]',
    'Type=exec',
    ...common(o),
    ...own.service,
    'TimeoutStartSec=180',
    ...sandbox(o, own.writable),
    '',
    '[Install]',
    `WantedBy=${o.scope === 'system' ? 'multi-user.target' : 'default.target'}`,
    '',
  ].join('\n');
}

/**
 * The worker unit: migrations (with a backup first) before start, readiness once its health
 * endpoint answers, SIGTERM for a graceful drain with room for the configured drain limit, and a
 * restart when it crashes.
 */
export function workerUnit(o: UnitOptions): string {
  const node = q(o.nodePath);
  return unit(o, {
    description: 'Mismo Library worker (scans, hashing, watchers, analysis queue, audio-engine link)',
    after: 'network-online.target local-fs.target',
    wants: 'network-online.target',
    service: [
      `ExecStartPre=${node} --import tsx server/cli/migrate.ts`,
      `ExecStart=${node} --import tsx worker/main.ts`,
      `ExecStartPost=${node} server/cli/wait-ready.mjs ${q(o.workerHealthUrl)} 120`,
      'KillMode=mixed',
      'KillSignal=SIGTERM',
      `TimeoutStopSec=${Math.ceil(o.workerShutdownMs / 1000) + 15}`,
    ],
    writable: [...o.libraryDirs, ...REMOVABLE_ROOTS],
  });
}

/** The web unit: Next.js behind the gate (server/web/serve.ts) on the configured host and port, after the worker. */
export function webUnit(o: UnitOptions): string {
  const node = q(o.nodePath);
  return unit(o, {
    description: 'Mismo Library web (UI and API)',
    after: `network-online.target ${UNIT_NAMES.worker}`,
    wants: `network-online.target ${UNIT_NAMES.worker}`,
    service: [
      `ExecStart=${node} --import tsx server/web/serve.ts`,
      `ExecStartPost=${node} server/cli/wait-ready.mjs --any ${q(o.webUrl + '/api/health')} 120`,
      'TimeoutStopSec=20',
    ],
    // the web serves audio and cover art and exports; it writes only to the database and Next's cache
    writable: [path.join(o.appDir, '.next/cache')],
  });
}

/** A starting env file for a new install: only what differs from the defaults, with pointers. */
export function envFileText(o: { dataDir: string; host: string; port: number; workerPort: number; extra: Record<string, string> }) {
  const lines = [
    '# Mismo Library settings for the systemd services (see .env.example in the project for every variable).',
    '# After editing: systemctl [--user] restart mismo-library-worker mismo-library-web',
    `DATA_DIR=${o.dataDir}`,
    `HOST=${o.host}`,
    `PORT=${o.port}`,
    `WORKER_PORT=${o.workerPort}`,
  ];
  for (const [k, v] of Object.entries(o.extra)) if (!['DATA_DIR', 'HOST', 'PORT', 'WORKER_PORT', 'NODE_ENV'].includes(k)) lines.push(`${k}=${v}`);
  return lines.join('\n') + '\n';
}
