DROP INDEX `analysis_jobs_queue_idx`;--> statement-breakpoint
CREATE INDEX `analysis_jobs_queue_idx` ON `analysis_jobs` (`status`,"priority" DESC,`created_at`,`id`);