import { loadEnvOrExit } from '../env';
import { backupDir, listBackups } from '../ops/backup';
import { RestoreRefusedError, resolveBackupFile, restoreBackup } from '../ops/restore';

const USAGE = `Usage:
  npm run db:restore -- FILE      restore a backup (a path, a name from the backups folder, or "latest")
  npm run db:restore -- --list    list the backups

Stop the web and the worker first. The current database is kept as a "pre-restore" backup.`;

/** `npm run db:restore -- FILE`: replaces the library database with a checked backup. */
async function main() {
  const args = process.argv.slice(2).filter((a) => a !== '--');
  const env = loadEnvOrExit();
  if (args.length === 0 || args.includes('--help') || args.includes('-h')) {
    console.log(USAGE);
    process.exit(args.length === 0 ? 64 : 0);
  }
  if (args[0] === '--list') {
    const list = listBackups(backupDir(env));
    if (!list.length) console.log(`No backups in ${backupDir(env)}`);
    for (const b of list) console.log(`${new Date(b.createdAt).toISOString()}  ${b.reason.padEnd(13)}  ${(b.sizeBytes / 1e6).toFixed(1).padStart(8)} MB  ${b.name}`);
    return;
  }
  try {
    const file = resolveBackupFile(env, args[0]!);
    console.log(`[restore] checking ${file}…`);
    const r = await restoreBackup(env, file);
    console.log(`[restore] restored ${r.restoredFrom} → ${env.db.path} (integrity ok, ${r.tracks} tracks)`);
    if (r.safetyCopy) console.log(`[restore] the database it replaced is kept at ${r.safetyCopy}`);
    if (r.pendingMigrations.length) console.log(`[restore] ${r.pendingMigrations.length} migration(s) will be applied at the next start: ${r.pendingMigrations.join(', ')}`);
  } catch (e) {
    if (e instanceof RestoreRefusedError) {
      console.error(`[restore] ${e.message}`);
      process.exit(1);
    }
    throw e;
  }
}

void main();
