CREATE TABLE `play_reactions` (
	`entry_id` integer PRIMARY KEY NOT NULL,
	`track_id` text,
	`reaction` text NOT NULL,
	`reacted_at` integer NOT NULL,
	FOREIGN KEY (`entry_id`) REFERENCES `playlist_tracks`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`track_id`) REFERENCES `tracks`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `play_reactions_track_idx` ON `play_reactions` (`track_id`,`reaction`);