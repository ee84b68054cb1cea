CREATE TABLE "panel_changes" (
	"panel_id" text NOT NULL,
	"version" integer NOT NULL,
	"ops" text NOT NULL,
	"tool" text NOT NULL,
	"ts" bigint NOT NULL,
	CONSTRAINT "panel_changes_panel_id_version_pk" PRIMARY KEY("panel_id","version")
);
--> statement-breakpoint
CREATE TABLE "panels" (
	"id" text PRIMARY KEY NOT NULL,
	"title" text NOT NULL,
	"nxml" text NOT NULL,
	"state" text NOT NULL,
	"version" integer NOT NULL,
	"created_at" bigint NOT NULL,
	"updated_at" bigint NOT NULL
);
--> statement-breakpoint
ALTER TABLE "panel_changes" ADD CONSTRAINT "panel_changes_panel_id_panels_id_fk" FOREIGN KEY ("panel_id") REFERENCES "public"."panels"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "panel_changes_ts" ON "panel_changes" USING btree ("panel_id","ts");