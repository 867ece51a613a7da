ALTER TYPE "public"."recurrence" ADD VALUE 'half_yearly' BEFORE 'yearly';--> statement-breakpoint
ALTER TABLE "campaigns" ADD COLUMN "next_launch_at" timestamp (3) with time zone;--> statement-breakpoint
CREATE INDEX "campaigns_next_launch_idx" ON "campaigns" USING btree ("next_launch_at") WHERE "campaigns"."next_launch_at" IS NOT NULL;