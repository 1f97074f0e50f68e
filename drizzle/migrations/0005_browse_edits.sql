CREATE TABLE `track_exclusions` (
	`directory_id` text NOT NULL,
	`rel_path` text NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`directory_id`) REFERENCES `library_directories`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `track_exclusions_uq` ON `track_exclusions` (`directory_id`,`rel_path`);--> statement-breakpoint
ALTER TABLE `tracks` ADD `edited_fields` text DEFAULT '[]' NOT NULL;