CREATE TABLE "nog_entities" (
	"workspace_id" text NOT NULL,
	"id" text NOT NULL,
	"name" text NOT NULL,
	"category" text NOT NULL,
	"status" text NOT NULL,
	"description" text NOT NULL,
	"tags" text NOT NULL,
	"properties" text NOT NULL,
	"source_panel" text,
	"source" text NOT NULL,
	"version" integer NOT NULL,
	"field_versions" text NOT NULL,
	"created_at" bigint NOT NULL,
	"updated_at" bigint NOT NULL,
	CONSTRAINT "nog_entities_workspace_id_id_pk" PRIMARY KEY("workspace_id","id")
);
--> statement-breakpoint
CREATE TABLE "nog_patches" (
	"id" text PRIMARY KEY NOT NULL,
	"workspace_id" text NOT NULL,
	"status" text NOT NULL,
	"source" text NOT NULL,
	"author" text,
	"summary" text NOT NULL,
	"base_version" integer NOT NULL,
	"ops" text NOT NULL,
	"reason" text,
	"reviewed_by" text,
	"applied_version" integer,
	"created_at" bigint NOT NULL,
	"updated_at" bigint NOT NULL,
	"expires_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "nog_relationships" (
	"workspace_id" text NOT NULL,
	"id" text NOT NULL,
	"from_id" text NOT NULL,
	"to_id" text NOT NULL,
	"type" text NOT NULL,
	"strength" double precision NOT NULL,
	"confidence" double precision NOT NULL,
	"source" text NOT NULL,
	"version" integer NOT NULL,
	"field_versions" text NOT NULL,
	"created_at" bigint NOT NULL,
	"updated_at" bigint NOT NULL,
	CONSTRAINT "nog_relationships_workspace_id_id_pk" PRIMARY KEY("workspace_id","id")
);
--> statement-breakpoint
CREATE TABLE "nog_versions" (
	"workspace_id" text PRIMARY KEY NOT NULL,
	"version" integer NOT NULL
);
--> statement-breakpoint
ALTER TABLE "nog_entities" ADD CONSTRAINT "nog_entities_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "nog_patches" ADD CONSTRAINT "nog_patches_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "nog_relationships" ADD CONSTRAINT "nog_relationships_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "nog_versions" ADD CONSTRAINT "nog_versions_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "nog_entities_panel" ON "nog_entities" USING btree ("workspace_id","source_panel");--> statement-breakpoint
CREATE INDEX "nog_patches_workspace" ON "nog_patches" USING btree ("workspace_id","status");--> statement-breakpoint
CREATE INDEX "nog_relationships_from" ON "nog_relationships" USING btree ("workspace_id","from_id");--> statement-breakpoint
CREATE INDEX "nog_relationships_to" ON "nog_relationships" USING btree ("workspace_id","to_id");