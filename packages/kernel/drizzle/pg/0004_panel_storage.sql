CREATE TABLE "panel_storage" (
	"panel_id" text NOT NULL,
	"key" text NOT NULL,
	"value" text NOT NULL,
	"updated_at" bigint NOT NULL,
	CONSTRAINT "panel_storage_panel_id_key_pk" PRIMARY KEY("panel_id","key")
);
