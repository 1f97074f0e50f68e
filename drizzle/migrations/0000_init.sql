CREATE TABLE `library_directories` (
	`id` text PRIMARY KEY NOT NULL,
	`path` text NOT NULL,
	`name` text NOT NULL,
	`is_active` integer DEFAULT true NOT NULL,
	`is_removable` integer DEFAULT false NOT NULL,
	`is_available` integer DEFAULT true NOT NULL,
	`include_patterns` text,
	`exclude_patterns` text DEFAULT '[]' NOT NULL,
	`max_depth` integer,
	`follow_symlinks` integer DEFAULT false NOT NULL,
	`priority` integer DEFAULT 0 NOT NULL,
	`scan_status` text DEFAULT 'idle' NOT NULL,
	`last_scan_at` integer,
	`last_scan_id` integer,
	`device_id` text,
	`mount_point` text,
	`fs_uuid` text,
	`fs_type` text,
	`availability_checked_at` integer,
	`unavailable_since` integer,
	`availability_error` text,
	`watch_state` text DEFAULT 'off' NOT NULL,
	`watch_error` text,
	`last_change_at` integer,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `library_directories_path_unique` ON `library_directories` (`path`);--> statement-breakpoint
CREATE TABLE `artworks` (
	`id` text PRIMARY KEY NOT NULL,
	`mime` text NOT NULL,
	`width` integer,
	`height` integer,
	`size_bytes` integer NOT NULL,
	`rel_path` text NOT NULL,
	`thumb_rel_path` text,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `tracks` (
	`seq` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`id` text NOT NULL,
	`directory_id` text,
	`rel_path` text NOT NULL,
	`former_path` text,
	`file_name` text NOT NULL,
	`file_ext` text NOT NULL,
	`size_bytes` integer NOT NULL,
	`mtime_ms` integer NOT NULL,
	`inode` integer,
	`audio_hash` text,
	`quick_hash` text,
	`hashed_at` integer,
	`hash_method` text,
	`format` text,
	`codec` text,
	`is_lossless` integer,
	`bitrate` integer,
	`sample_rate` integer,
	`channels` integer,
	`bit_depth` integer,
	`duration_ms` integer,
	`title` text,
	`artist` text,
	`album` text,
	`album_artist` text,
	`genre` text,
	`year` integer,
	`track_number` integer,
	`track_total` integer,
	`disc_number` integer,
	`disc_total` integer,
	`comment` text,
	`label` text,
	`isrc` text,
	`composer` text,
	`remixer` text,
	`grouping` text,
	`is_compilation` integer DEFAULT false NOT NULL,
	`tag_bpm` real,
	`tag_key` text,
	`metadata_source` text,
	`artwork_id` text,
	`bpm` real,
	`key_pitch` integer,
	`key_mode` integer,
	`energy` real,
	`bpm_override` real,
	`key_pitch_override` integer,
	`key_mode_override` integer,
	`is_analyzed` integer DEFAULT false NOT NULL,
	`is_missing` integer DEFAULT false NOT NULL,
	`missing_since` integer,
	`missing_reason` text,
	`is_broken` integer DEFAULT false NOT NULL,
	`broken_reason` text,
	`rating` integer DEFAULT 0 NOT NULL,
	`color` text,
	`energy_level` integer,
	`play_count` integer DEFAULT 0 NOT NULL,
	`last_played_at` integer,
	`date_added` integer NOT NULL,
	`duplicate_group_id` integer,
	`last_scan_id` integer,
	`tags_read_at` integer,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`directory_id`) REFERENCES `library_directories`(`id`) ON UPDATE no action ON DELETE set null,
	FOREIGN KEY (`artwork_id`) REFERENCES `artworks`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE UNIQUE INDEX `tracks_id_unique` ON `tracks` (`id`);--> statement-breakpoint
CREATE UNIQUE INDEX `tracks_directory_path_uq` ON `tracks` (`directory_id`,`rel_path`);--> statement-breakpoint
CREATE INDEX `tracks_audio_hash_idx` ON `tracks` (`audio_hash`);--> statement-breakpoint
CREATE INDEX `tracks_missing_idx` ON `tracks` (`is_missing`,`missing_since`);--> statement-breakpoint
CREATE INDEX `tracks_duplicate_group_idx` ON `tracks` (`duplicate_group_id`);--> statement-breakpoint
CREATE INDEX `tracks_artist_idx` ON `tracks` (`artist`);--> statement-breakpoint
CREATE INDEX `tracks_bpm_idx` ON `tracks` (`bpm`);--> statement-breakpoint
CREATE INDEX `tracks_date_added_idx` ON `tracks` (`date_added`);--> statement-breakpoint
CREATE INDEX `tracks_genre_idx` ON `tracks` (`genre`);--> statement-breakpoint
CREATE TABLE `analysis_callbacks` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`audio_hash` text NOT NULL,
	`stage` text NOT NULL,
	`status` text,
	`body` text,
	`body_rel_path` text,
	`received_at` integer NOT NULL,
	`processed_at` integer,
	`error` text
);
--> statement-breakpoint
CREATE INDEX `analysis_callbacks_pending_idx` ON `analysis_callbacks` (`processed_at`);--> statement-breakpoint
CREATE TABLE `analysis_jobs` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`audio_hash` text NOT NULL,
	`status` text NOT NULL,
	`priority` integer NOT NULL,
	`stages_requested` text NOT NULL,
	`stages_done` text DEFAULT '[]' NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`max_attempts` integer DEFAULT 3 NOT NULL,
	`next_attempt_at` integer NOT NULL,
	`server_url` text,
	`secret` text,
	`waiters` text DEFAULT '[]' NOT NULL,
	`track_id` text,
	`file_path` text,
	`last_error` text,
	`dispatched_at` integer,
	`last_callback_at` integer,
	`completed_at` integer,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `analysis_jobs_audioHash_unique` ON `analysis_jobs` (`audio_hash`);--> statement-breakpoint
CREATE INDEX `analysis_jobs_queue_idx` ON `analysis_jobs` (`status`,`priority`,`next_attempt_at`);--> statement-breakpoint
CREATE TABLE `audio_analysis` (
	`audio_hash` text PRIMARY KEY NOT NULL,
	`bpm` real,
	`key_pitch` integer,
	`key_mode` integer,
	`key_strength` real,
	`beats` blob,
	`downbeats` blob,
	`beat_consistency` real,
	`first_beat_offset` real,
	`first_phrase_beat` integer,
	`audible_start` real,
	`audible_end` real,
	`characteristics` text,
	`genre` text,
	`segments` text,
	`transitions` text,
	`stages_done` text DEFAULT '[]' NOT NULL,
	`analysis_version` text,
	`basic_at` integer,
	`characteristics_at` integer,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `stem_sets` (
	`audio_hash` text PRIMARY KEY NOT NULL,
	`format` text NOT NULL,
	`files` text NOT NULL,
	`size_bytes` integer NOT NULL,
	`is_protected` integer DEFAULT false NOT NULL,
	`last_accessed_at` integer NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `waveforms` (
	`audio_hash` text NOT NULL,
	`zoom_level` integer NOT NULL,
	`kind` text NOT NULL,
	`sample_rate` integer,
	`samples_per_pixel` integer,
	`num_pixels` integer NOT NULL,
	`bands` text NOT NULL,
	`encoding` text NOT NULL,
	`data` blob NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	PRIMARY KEY(`audio_hash`, `zoom_level`, `kind`)
);
--> statement-breakpoint
CREATE TABLE `duplicate_groups` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`audio_hash` text NOT NULL,
	`canonical_track_id` text,
	`member_count` integer DEFAULT 0 NOT NULL,
	`status` text DEFAULT 'open' NOT NULL,
	`resolved_at` integer,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `duplicate_groups_audioHash_unique` ON `duplicate_groups` (`audio_hash`);--> statement-breakpoint
CREATE TABLE `duplicate_resolutions` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`group_id` integer NOT NULL,
	`audio_hash` text NOT NULL,
	`canonical_track_id` text NOT NULL,
	`file_action` text NOT NULL,
	`plan` text NOT NULL,
	`snapshot` text NOT NULL,
	`status` text NOT NULL,
	`created_at` integer NOT NULL,
	`undone_at` integer
);
--> statement-breakpoint
CREATE TABLE `playlist_tracks` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`playlist_id` text NOT NULL,
	`track_id` text,
	`position` integer NOT NULL,
	`added_at` integer NOT NULL,
	`played_at` integer,
	`play_duration_ms` integer,
	`notes` text,
	`cue_in_sec` real,
	`cue_out_sec` real,
	`rating_in_context` integer,
	`placeholder` text,
	FOREIGN KEY (`playlist_id`) REFERENCES `playlists`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`track_id`) REFERENCES `tracks`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE INDEX `playlist_tracks_position_idx` ON `playlist_tracks` (`playlist_id`,`position`);--> statement-breakpoint
CREATE INDEX `playlist_tracks_track_idx` ON `playlist_tracks` (`track_id`);--> statement-breakpoint
CREATE TABLE `playlists` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`description` text,
	`type` text NOT NULL,
	`parent_id` text,
	`sort_order` integer DEFAULT 0 NOT NULL,
	`color` text,
	`icon` text,
	`is_favorite` integer DEFAULT false NOT NULL,
	`is_readonly` integer DEFAULT false NOT NULL,
	`smart_rules` text,
	`smart_sort` text,
	`smart_limit` text,
	`smart_refreshed_at` integer,
	`session_venue` text,
	`session_started_at` integer,
	`session_ended_at` integer,
	`session_last_activity_at` integer,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`parent_id`) REFERENCES `playlists`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE INDEX `playlists_type_idx` ON `playlists` (`type`);--> statement-breakpoint
CREATE INDEX `playlists_parent_idx` ON `playlists` (`parent_id`);--> statement-breakpoint
CREATE TABLE `hot_cues` (
	`id` text PRIMARY KEY NOT NULL,
	`track_id` text NOT NULL,
	`cue_index` integer NOT NULL,
	`position_sec` real NOT NULL,
	`name` text,
	`color` text,
	`is_loop` integer DEFAULT false NOT NULL,
	`loop_end_sec` real,
	`source` text DEFAULT 'user' NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`track_id`) REFERENCES `tracks`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `hot_cues_track_index_source_uq` ON `hot_cues` (`track_id`,`cue_index`,`source`);--> statement-breakpoint
CREATE TABLE `file_operations` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`batch_id` text,
	`kind` text NOT NULL,
	`track_id` text,
	`status` text NOT NULL,
	`step` text NOT NULL,
	`src_path` text NOT NULL,
	`dst_path` text,
	`src_directory_id` text,
	`dst_directory_id` text,
	`audio_hash` text,
	`full_hash` text,
	`size_bytes` integer,
	`error` text,
	`job_id` integer,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`finished_at` integer
);
--> statement-breakpoint
CREATE INDEX `file_operations_status_idx` ON `file_operations` (`status`);--> statement-breakpoint
CREATE INDEX `file_operations_batch_idx` ON `file_operations` (`batch_id`);--> statement-breakpoint
CREATE TABLE `meta` (
	`key` text PRIMARY KEY NOT NULL,
	`value` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `settings` (
	`key` text PRIMARY KEY NOT NULL,
	`value` text NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `jobs` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`kind` text NOT NULL,
	`payload` text NOT NULL,
	`status` text NOT NULL,
	`priority` integer DEFAULT 0 NOT NULL,
	`dedupe_key` text,
	`attempts` integer DEFAULT 0 NOT NULL,
	`max_attempts` integer DEFAULT 3 NOT NULL,
	`run_after` integer NOT NULL,
	`lease_owner` text,
	`lease_expires_at` integer,
	`cancel_requested` integer DEFAULT false NOT NULL,
	`progress` text,
	`result` text,
	`error` text,
	`created_at` integer NOT NULL,
	`started_at` integer,
	`finished_at` integer,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `jobs_claim_idx` ON `jobs` (`status`,`priority`,`run_after`);--> statement-breakpoint
CREATE INDEX `jobs_finished_idx` ON `jobs` (`finished_at`);--> statement-breakpoint
CREATE UNIQUE INDEX `jobs_active_dedupe_uq` ON `jobs` (`dedupe_key`) WHERE status in ('queued', 'running') and dedupe_key is not null;--> statement-breakpoint
CREATE TABLE `events` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`type` text NOT NULL,
	`payload` text NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `events_created_idx` ON `events` (`created_at`);--> statement-breakpoint
CREATE TABLE `scans` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`directory_id` text NOT NULL,
	`job_id` integer,
	`strategy` text NOT NULL,
	`rel_path` text DEFAULT '' NOT NULL,
	`trigger` text DEFAULT 'user' NOT NULL,
	`status` text NOT NULL,
	`phase` text,
	`stats` text DEFAULT '{}' NOT NULL,
	`error` text,
	`started_at` integer,
	`finished_at` integer,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`directory_id`) REFERENCES `library_directories`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `scans_directory_idx` ON `scans` (`directory_id`,`created_at`);--> statement-breakpoint
CREATE TABLE `worker_status` (
	`id` text PRIMARY KEY NOT NULL,
	`pid` integer NOT NULL,
	`hostname` text NOT NULL,
	`version` text NOT NULL,
	`state` text NOT NULL,
	`components` text DEFAULT '{}' NOT NULL,
	`started_at` integer NOT NULL,
	`heartbeat_at` integer NOT NULL
);
