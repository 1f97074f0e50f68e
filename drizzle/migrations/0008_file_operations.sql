CREATE TABLE `trash_items` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`directory_id` text NOT NULL,
	`original_rel_path` text NOT NULL,
	`trash_rel_path` text NOT NULL,
	`size_bytes` integer NOT NULL,
	`track_id` text,
	`title` text,
	`artist` text,
	`reason` text NOT NULL,
	`resolution_id` integer,
	`snapshot` text,
	`operation_id` integer,
	`trashed_at` integer NOT NULL,
	`restored_at` integer,
	`purged_at` integer
);
--> statement-breakpoint
CREATE INDEX `trash_items_live_idx` ON `trash_items` (`purged_at`,`restored_at`,`trashed_at`);--> statement-breakpoint
ALTER TABLE `duplicate_resolutions` ADD `batch_id` text;--> statement-breakpoint
ALTER TABLE `file_operations` ADD `meta` text DEFAULT '{}' NOT NULL;--> statement-breakpoint
ALTER TABLE `file_operations` ADD `seq` integer DEFAULT 0 NOT NULL;