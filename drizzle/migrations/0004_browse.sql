DROP INDEX `tracks_artist_idx`;--> statement-breakpoint
DROP INDEX `tracks_genre_idx`;--> statement-breakpoint
ALTER TABLE `tracks` ADD `key_sort` integer GENERATED ALWAYS AS (CASE WHEN key_pitch IS NULL OR key_mode IS NULL THEN NULL ELSE ((CASE key_mode WHEN 1 THEN (7 * key_pitch + 7) % 12 ELSE (7 * key_pitch + 4) % 12 END) + 1) * 2 + key_mode END) VIRTUAL;--> statement-breakpoint
CREATE INDEX `tracks_title_idx` ON `tracks` ("title" COLLATE NOCASE);--> statement-breakpoint
CREATE INDEX `tracks_album_idx` ON `tracks` ("album" COLLATE NOCASE);--> statement-breakpoint
CREATE INDEX `tracks_year_idx` ON `tracks` (`year`);--> statement-breakpoint
CREATE INDEX `tracks_key_sort_idx` ON `tracks` (`key_sort`);--> statement-breakpoint
CREATE INDEX `tracks_rating_idx` ON `tracks` (`rating`);--> statement-breakpoint
CREATE INDEX `tracks_duration_idx` ON `tracks` (`duration_ms`);--> statement-breakpoint
CREATE INDEX `tracks_play_count_idx` ON `tracks` (`play_count`);--> statement-breakpoint
CREATE INDEX `tracks_energy_idx` ON `tracks` (`energy_level`);--> statement-breakpoint
CREATE INDEX `tracks_artist_idx` ON `tracks` ("artist" COLLATE NOCASE);--> statement-breakpoint
CREATE INDEX `tracks_genre_idx` ON `tracks` ("genre" COLLATE NOCASE);