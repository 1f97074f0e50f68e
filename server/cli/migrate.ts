import { loadEnvOrExit } from '../env';
import { openDatabase, closeDatabase } from '../db/client';
import { DatabaseTooNewError, MigrationFailedError } from '../db/migrate';
import { migrateWithBackup } from '../ops/backup';

/** `npm run db:migrate`: validates the config, backs up the database and applies pending migrations. */
function main() {
  const env = loadEnvOrExit();
  const db = openDatabase(env.db.path);
  try {
    const applied = migrateWithBackup(db.$client, env, {
      info: (o, m) => console.log(`[migrate] ${m}: ${JSON.stringify(o)}`),
      warn: (m) => console.warn(`[migrate] ${m}`),
    });
    console.log(applied.length ? `[migrate] applied ${applied.join(', ')} to ${env.db.path}` : `[migrate] ${env.db.path} is up to date`);
  } catch (e) {
    if (e instanceof DatabaseTooNewError || e instanceof MigrationFailedError) {
      console.error(`[migrate] ${e.message}`);
      process.exit(1);
    }
    throw e;
  } finally {
    closeDatabase(db);
  }
}

main();
