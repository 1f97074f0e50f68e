import { appendEvent } from '@/server/events/outbox';
import { backupDir, createBackup, scheduledBackupDue } from '@/server/ops/backup';
import { defineJob } from '../queue/define-job';

/**
 * An online backup of the database. The scheduled one runs only when the newest backup is older
 * than the interval setting (the timer just asks), so changing the setting needs no restart.
 */
export const backupJob = defineJob<'backup.create'>({
  concurrency: () => 1,
  timeoutMs: 30 * 60_000,
  async run({ ctx, payload, progress }) {
    const dir = backupDir(ctx.env);
    const now = ctx.clock.now();
    if (payload.reason === 'scheduled' && !scheduledBackupDue(dir, ctx.settings.get('backups.intervalHours'), now)) return 'skipped';
    const info = await createBackup(ctx.db.$client, {
      dir,
      reason: payload.reason,
      now,
      keep: ctx.settings.get('backups.keep'),
      onProgress: (done, total) => progress({ done, total, message: 'pages copied' }),
    });
    appendEvent(ctx.db, 'backup:created', { name: info.name, reason: info.reason, sizeBytes: info.sizeBytes }, ctx.clock.now());
    ctx.log.info({ backup: info.path, sizeBytes: info.sizeBytes }, 'database backed up');
    return { outcome: 'done', result: { name: info.name, sizeBytes: info.sizeBytes } };
  },
});
