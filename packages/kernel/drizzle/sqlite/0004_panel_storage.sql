CREATE TABLE `panel_storage` (
	`panel_id` text NOT NULL,
	`key` text NOT NULL,
	`value` text NOT NULL,
	`updated_at` integer NOT NULL,
	PRIMARY KEY(`panel_id`, `key`)
);
