CREATE TABLE `nog_entities` (
	`workspace_id` text NOT NULL,
	`id` text NOT NULL,
	`name` text NOT NULL,
	`category` text NOT NULL,
	`status` text NOT NULL,
	`description` text NOT NULL,
	`tags` text NOT NULL,
	`properties` text NOT NULL,
	`source_panel` text,
	`source` text NOT NULL,
	`version` integer NOT NULL,
	`field_versions` text NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	PRIMARY KEY(`workspace_id`, `id`),
	FOREIGN KEY (`workspace_id`) REFERENCES `workspaces`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `nog_entities_panel` ON `nog_entities` (`workspace_id`,`source_panel`);--> statement-breakpoint
CREATE TABLE `nog_patches` (
	`id` text PRIMARY KEY NOT NULL,
	`workspace_id` text NOT NULL,
	`status` text NOT NULL,
	`source` text NOT NULL,
	`author` text,
	`summary` text NOT NULL,
	`base_version` integer NOT NULL,
	`ops` text NOT NULL,
	`reason` text,
	`reviewed_by` text,
	`applied_version` integer,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`expires_at` integer NOT NULL,
	FOREIGN KEY (`workspace_id`) REFERENCES `workspaces`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `nog_patches_workspace` ON `nog_patches` (`workspace_id`,`status`);--> statement-breakpoint
CREATE TABLE `nog_relationships` (
	`workspace_id` text NOT NULL,
	`id` text NOT NULL,
	`from_id` text NOT NULL,
	`to_id` text NOT NULL,
	`type` text NOT NULL,
	`strength` real NOT NULL,
	`confidence` real NOT NULL,
	`source` text NOT NULL,
	`version` integer NOT NULL,
	`field_versions` text NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	PRIMARY KEY(`workspace_id`, `id`),
	FOREIGN KEY (`workspace_id`) REFERENCES `workspaces`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `nog_relationships_from` ON `nog_relationships` (`workspace_id`,`from_id`);--> statement-breakpoint
CREATE INDEX `nog_relationships_to` ON `nog_relationships` (`workspace_id`,`to_id`);--> statement-breakpoint
CREATE TABLE `nog_versions` (
	`workspace_id` text PRIMARY KEY NOT NULL,
	`version` integer NOT NULL,
	FOREIGN KEY (`workspace_id`) REFERENCES `workspaces`(`id`) ON UPDATE no action ON DELETE cascade
);
