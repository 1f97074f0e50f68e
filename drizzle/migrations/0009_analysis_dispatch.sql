ALTER TABLE `analysis_jobs` ADD `stages_dispatched` text DEFAULT '[]' NOT NULL;--> statement-breakpoint
ALTER TABLE `analysis_jobs` ADD `server_done_at` integer;