ALTER TABLE `tracks` ADD `beat_offset_override` real;--> statement-breakpoint
ALTER TABLE `tracks` ADD `bpm_source` text;--> statement-breakpoint
ALTER TABLE `tracks` ADD `bpm_confidence` real;--> statement-breakpoint
ALTER TABLE `tracks` ADD `key_source` text;--> statement-breakpoint
ALTER TABLE `tracks` ADD `key_confidence` real;--> statement-breakpoint
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
ALTER TABLE `audio_analysis` ADD `energy_score` real;--> statement-breakpoint
-- existing analyses came from an analysis server; say where each track's BPM and key come from
UPDATE `audio_analysis` SET `analyzer` = 'server' WHERE `basic_at` IS NOT NULL;--> statement-breakpoint
UPDATE `tracks` SET
  `bpm_source` = CASE WHEN `bpm` IS NULL THEN NULL WHEN `bpm_override` IS NOT NULL THEN 'user'
    WHEN EXISTS (SELECT 1 FROM `audio_analysis` a WHERE a.`audio_hash` = `tracks`.`audio_hash` AND a.`bpm` IS NOT NULL) THEN 'server' ELSE 'tag' END,
  `key_source` = CASE WHEN `key_pitch` IS NULL THEN NULL WHEN `key_pitch_override` IS NOT NULL THEN 'user'
    WHEN EXISTS (SELECT 1 FROM `audio_analysis` a WHERE a.`audio_hash` = `tracks`.`audio_hash` AND a.`key_pitch` IS NOT NULL) THEN 'server' ELSE 'tag' END;
