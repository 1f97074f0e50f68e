import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { dialableHost, loadEnvOrExit } from '../env';
import { loadDotEnv } from './dotenv.mjs';
import { UNIT_NAMES, defaultPaths, envFileText, webUnit, workerUnit, type ServiceScope } from '../ops/systemd';

const USAGE = `Usage: npm run service:install -- [--user | --system] [options]

Writes systemd units for the web and the worker (filled in for this install), an env file (kept if
it exists) and the data folder, then enables and starts both services.

  --user             per-user services (default unless run as root)
  --system           system-wide services (default as root; they run as --run-as)
  --run-as USER      system scope: the account to run as (default: $SUDO_USER, else the current user)
  --data-dir DIR     where the database, artwork, stems and backups live
  --out DIR          only write the unit files into DIR (for review or packaging)
  --no-start         install but do not enable or start
  --dry-run          print what would be written and done`;

function parseArgs(argv: string[]) {
  const flags = new Set<string>();
  const values: Record<string, string> = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') continue;
    if (['--run-as', '--data-dir', '--out'].includes(a)) {
      const v = argv[++i];
      if (!v) throw new Error(`${a} needs a value`);
      values[a] = v;
    } else if (['--user', '--system', '--no-start', '--dry-run', '--help', '-h'].includes(a)) flags.add(a);
    else throw new Error(`unknown option: ${a}`);
  }
  return { flags, values };
}

/** The variables a file sets to something (an empty `KEY=` means "the default"). */
const readEnvFile = (file: string) => Object.fromEntries(Object.entries(loadDotEnv(file)).filter(([, v]) => v !== ''));

function libraryDirs(dbPath: string): string[] {
  if (!fs.existsSync(dbPath)) return [];
  const db = new Database(dbPath, { readonly: true });
  try {
    return (db.prepare('SELECT path FROM library_directories ORDER BY path').all() as { path: string }[]).map((r) => r.path);
  } catch {
    return [];
  } finally {
    db.close();
  }
}

function run(cmd: string, args: string[], dry: boolean) {
  console.log(`$ ${[cmd, ...args].join(' ')}`);
  if (dry) return;
  const r = spawnSync(cmd, args, { stdio: 'inherit' });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (exit ${r.status ?? r.signal})`);
}

function write(file: string, text: string, dry: boolean, mode = 0o644) {
  console.log(`${dry ? 'would write' : 'writing'} ${file}`);
  if (dry) return;
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text, { mode });
}

async function main() {
  const { flags, values } = parseArgs(process.argv.slice(2));
  if (flags.has('--help') || flags.has('-h')) return console.log(USAGE);
  const appDir = path.resolve(import.meta.dirname, '../..');
  process.chdir(appDir);
  const isRoot = process.getuid?.() === 0;
  const scope: ServiceScope = flags.has('--system') ? 'system' : flags.has('--user') ? 'user' : isRoot ? 'system' : 'user';
  if (scope === 'system' && !isRoot && !values['--out'] && !flags.has('--dry-run')) throw new Error('--system needs root (sudo npm run service:install -- --system)');
  const dry = flags.has('--dry-run');
  const defaults = defaultPaths(scope);
  const envFile = defaults.envFile;

  // the project's own .env seeds a new env file; an existing env file is the user's and wins
  const projectEnv = readEnvFile(path.join(appDir, '.env'));
  const existing = readEnvFile(envFile);
  const current = loadEnvOrExit();
  let dataDir = values['--data-dir'] ? path.resolve(values['--data-dir']) : existing.DATA_DIR;
  if (!dataDir && fs.existsSync(current.db.path)) {
    dataDir = current.dataDir;
    console.log(`Using the library that is already in ${dataDir} (pass --data-dir to choose another folder).`);
  }
  dataDir ??= defaults.dataDir;
  const merged = { ...projectEnv, ...existing };
  const host = merged.HOST ?? '127.0.0.1';
  const port = Number(merged.PORT ?? 3000);
  const workerPort = Number(merged.WORKER_PORT ?? 3001);
  const runAs = scope === 'system' ? (values['--run-as'] ?? process.env.SUDO_USER ?? os.userInfo().username) : undefined;
  const dirs = libraryDirs(path.join(dataDir, 'library.db'));

  const opts = {
    scope,
    appDir,
    nodePath: process.execPath,
    dataDir,
    envFile,
    libraryDirs: dirs,
    user: runAs,
    workerShutdownMs: Number(merged.WORKER_SHUTDOWN_TIMEOUT_MS ?? 15_000),
    webUrl: `http://${dialableHost(host)}:${port}`,
    workerHealthUrl: `http://${dialableHost(merged.WORKER_HOST ?? '127.0.0.1')}:${workerPort}/health`,
  };
  const units = { [UNIT_NAMES.worker]: workerUnit(opts), [UNIT_NAMES.web]: webUnit(opts) };

  if (values['--out']) {
    for (const [name, text] of Object.entries(units)) write(path.join(path.resolve(values['--out']), name), text, dry);
    return;
  }
  if (dry) for (const [name, text] of Object.entries(units)) console.log(`\n# ${path.join(defaults.unitDir, name)}\n${text}`);

  if (!dry) {
    const { buildIfStale } = (await import('./build-if-stale.mjs')) as { buildIfStale: (o: { log: (m: string) => void }) => boolean };
    buildIfStale({ log: (m) => console.log(m) });
  }
  if (!fs.existsSync(envFile)) write(envFile, envFileText({ dataDir, host, port, workerPort, extra: projectEnv }), dry, 0o640);
  else console.log(`keeping ${envFile}`);
  if (!dry) fs.mkdirSync(dataDir, { recursive: true, mode: 0o750 });
  if (scope === 'system' && runAs && !dry) run('chown', ['-R', `${runAs}:`, dataDir], dry);
  for (const [name, text] of Object.entries(units)) write(path.join(defaults.unitDir, name), text, dry);

  const ctl = scope === 'user' ? ['--user'] : [];
  run('systemctl', [...ctl, 'daemon-reload'], dry);
  if (!flags.has('--no-start')) run('systemctl', [...ctl, 'enable', '--now', UNIT_NAMES.worker, UNIT_NAMES.web], dry);
  console.log(`
Installed. Useful commands:
  systemctl ${ctl.join(' ')}${ctl.length ? ' ' : ''}status ${UNIT_NAMES.worker} ${UNIT_NAMES.web}
  journalctl ${scope === 'user' ? '--user ' : ''}-u mismo-library-worker -f
Open ${opts.webUrl}${scope === 'user' ? `\nTo keep the services running while you are logged out: loginctl enable-linger ${os.userInfo().username}` : ''}
Library folders outside ${dirs.length ? dirs.join(', ') : '(none yet)'} and /media, /mnt are read-only to the services: run this again after adding one.`);
}

main().catch((e: unknown) => {
  console.error(`[service:install] ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
});
