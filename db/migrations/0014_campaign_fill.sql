ALTER TABLE "campaigns" ADD COLUMN "scope_count" integer;--> statement-breakpoint
ALTER TABLE "campaigns" ADD COLUMN "fill_parts" integer;--> statement-breakpoint
ALTER TABLE "campaigns" ADD COLUMN "fill_next" integer;--> statement-breakpoint
ALTER TABLE "campaigns" ADD COLUMN "snapshot_at" timestamp (3) with time zone;--> statement-breakpoint
ALTER TABLE "campaigns" ADD COLUMN "filled_at" timestamp (3) with time zone;--> statement-breakpoint
-- Campaigns launched before this were snapshotted in their launch's transaction.
UPDATE "campaigns" SET "filled_at" = "launched_at", "scope_count" = "item_count" WHERE "launched_at" IS NOT NULL;
