CREATE TABLE `panel_changes` (
	`panel_id` text NOT NULL,
	`version` integer NOT NULL,
	`ops` text NOT NULL,
	`tool` text NOT NULL,
	`ts` integer NOT NULL,
	PRIMARY KEY(`panel_id`, `version`),
	FOREIGN KEY (`panel_id`) REFERENCES `panels`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `panel_changes_ts` ON `panel_changes` (`panel_id`,`ts`);--> statement-breakpoint
CREATE TABLE `panels` (
	`id` text PRIMARY KEY NOT NULL,
	`title` text NOT NULL,
	`nxml` text NOT NULL,
	`state` text NOT NULL,
	`version` integer NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
