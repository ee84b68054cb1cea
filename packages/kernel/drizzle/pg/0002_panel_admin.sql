ALTER TABLE "panels" ADD COLUMN "deleted_at" bigint;--> statement-breakpoint
ALTER TABLE "panels" ADD COLUMN "x" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "panels" ADD COLUMN "y" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "panels" ADD COLUMN "w" integer DEFAULT 4 NOT NULL;--> statement-breakpoint
ALTER TABLE "panels" ADD COLUMN "h" integer DEFAULT 4 NOT NULL;