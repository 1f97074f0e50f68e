// Runs in a worker thread (plain JavaScript, so no loader is needed): the slow parts of an online
// backup, which on a large library take seconds and must not hold the worker's main loop.
//   { source, dest }: `VACUUM INTO` from a read-only connection of its own — one consistent snapshot
//                      (one read transaction; writers carry on in WAL mode), never restarted
//   then, or alone with { file }: `PRAGMA integrity_check` on the copy as one self-contained file
//                      (out of WAL mode), and an fsync when it passes
import fs from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';

function check(file) {
  const db = new Database(file, { fileMustExist: true });
  try {
    db.pragma('journal_mode = DELETE');
    return db
      .pragma('integrity_check')
      .map((r) => r.integrity_check)
      .filter((r) => r !== 'ok');
  } finally {
    db.close();
  }
}

try {
  const { source, dest, busyTimeoutMs } = workerData;
  const file = dest;
  if (source) {
    const db = new Database(source, { readonly: true, fileMustExist: true });
    try {
      db.pragma(`busy_timeout = ${busyTimeoutMs}`);
      db.prepare('VACUUM INTO ?').run(dest);
    } finally {
      db.close();
    }
  }
  const problems = check(file);
  if (problems.length === 0) {
    const fd = fs.openSync(file, 'r');
    try {
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
  }
  parentPort.postMessage({ ok: problems.length === 0, problems });
} catch (e) {
  parentPort.postMessage({ error: e instanceof Error ? e.message : String(e) });
}
