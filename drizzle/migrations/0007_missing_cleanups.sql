CREATE TABLE `library_cleanups` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`older_than_days` integer NOT NULL,
	`track_count` integer NOT NULL,
	`kept_playlist_entries` integer NOT NULL,
	`export_path` text,
	`snapshot` text NOT NULL,
	`job_id` integer,
	`created_at` integer NOT NULL,
	`undone_at` integer
);
