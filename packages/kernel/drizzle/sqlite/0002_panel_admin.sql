ALTER TABLE `panels` ADD `deleted_at` integer;--> statement-breakpoint
ALTER TABLE `panels` ADD `x` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `panels` ADD `y` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `panels` ADD `w` integer DEFAULT 4 NOT NULL;--> statement-breakpoint
ALTER TABLE `panels` ADD `h` integer DEFAULT 4 NOT NULL;