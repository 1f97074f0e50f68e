ALTER TABLE `tracks` ADD `tag_key_pitch` integer;--> statement-breakpoint
ALTER TABLE `tracks` ADD `tag_key_mode` integer;--> statement-breakpoint
ALTER TABLE `tracks` ADD `file_warning` text;