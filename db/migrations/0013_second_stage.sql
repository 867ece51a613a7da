ALTER TABLE "campaigns" ADD COLUMN "confirm_privileged" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "review_items" ADD COLUMN "confirm_needed" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "review_items" ADD COLUMN "confirmed_by" uuid;--> statement-breakpoint
ALTER TABLE "review_items" ADD COLUMN "confirmed_at" timestamp (3) with time zone;--> statement-breakpoint
ALTER TABLE "review_items" ADD CONSTRAINT "review_items_confirmed_by_users_id_fk" FOREIGN KEY ("confirmed_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "review_items_to_confirm_idx" ON "review_items" USING btree ("campaign_id") WHERE "review_items"."confirm_needed" AND "review_items"."confirmed_at" IS NULL AND "review_items"."decision" = 'certify';