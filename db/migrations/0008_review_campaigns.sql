ALTER TABLE "campaigns" ADD COLUMN "launched_at" timestamp (3) with time zone;--> statement-breakpoint
ALTER TABLE "campaigns" ADD COLUMN "item_count" integer;--> statement-breakpoint
ALTER TABLE "review_items" ADD COLUMN "reassign_to_id" uuid;--> statement-breakpoint
ALTER TABLE "review_items" ADD COLUMN "applied" text;--> statement-breakpoint
ALTER TABLE "review_items" ADD COLUMN "revocation_id" uuid;--> statement-breakpoint
ALTER TABLE "review_items" ADD CONSTRAINT "review_items_reassign_to_id_users_id_fk" FOREIGN KEY ("reassign_to_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "review_items" ADD CONSTRAINT "review_items_revocation_id_revocations_id_fk" FOREIGN KEY ("revocation_id") REFERENCES "public"."revocations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "review_items_campaign_decision_idx" ON "review_items" USING btree ("campaign_id","decision");