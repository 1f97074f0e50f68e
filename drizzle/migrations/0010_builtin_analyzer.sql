ALTER TABLE `tracks` ADD `beat_offset_override` real;--> statement-breakpoint
ALTER TABLE `analysis_jobs` ADD `server_only` integer DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE `audio_analysis` ADD `analyzer` text;--> statement-breakpoint
ALTER TABLE `audio_analysis` ADD `bpm_confidence` real;--> statement-breakpoint
ALTER TABLE `audio_analysis` ADD `no_tempo_reason` text;--> statement-breakpoint
ALTER TABLE `audio_analysis` ADD `tempo_variable` integer;--> statement-breakpoint
ALTER TABLE `audio_analysis` ADD `key_confidence` real;--> statement-breakpoint
ALTER TABLE `audio_analysis` ADD `tuning_cents` real;--> statement-breakpoint
ALTER TABLE `audio_analysis` ADD `loudness_lufs` real;--> statement-breakpoint
ALTER TABLE `audio_analysis` ADD `loudness_range` real;--> statement-breakpoint
ALTER TABLE `audio_analysis` ADD `true_peak_db` real;--> statement-breakpoint
ALTER TABLE `audio_analysis` ADD `replay_gain_db` real;--> statement-breakpoint
ALTER TABLE `audio_analysis` ADD `energy_score` real;