ALTER TYPE "public"."break_glass_status" ADD VALUE 'denied';--> statement-breakpoint
ALTER TABLE "identities" ADD COLUMN "rotation_required_at" timestamp (3) with time zone;--> statement-breakpoint
ALTER TABLE "break_glass_grants" ADD COLUMN "resource" text;--> statement-breakpoint
ALTER TABLE "break_glass_grants" ADD COLUMN "permission" text;--> statement-breakpoint
-- Rows from before (no release writes them yet) get their window's length.
ALTER TABLE "break_glass_grants" ADD COLUMN "hours" smallint NOT NULL DEFAULT 1;--> statement-breakpoint
UPDATE "break_glass_grants" SET "hours" = greatest(1, ceil(extract(epoch FROM "hard_end_at" - "starts_at") / 3600))::smallint;--> statement-breakpoint
ALTER TABLE "break_glass_grants" ALTER COLUMN "hours" DROP DEFAULT;--> statement-breakpoint
ALTER TABLE "break_glass_grants" ADD COLUMN "on_call" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "break_glass_grants" ADD COLUMN "blocked_by_overdue" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "break_glass_grants" ADD COLUMN "decided_by" uuid;--> statement-breakpoint
ALTER TABLE "break_glass_grants" ADD COLUMN "decided_at" timestamp (3) with time zone;--> statement-breakpoint
ALTER TABLE "break_glass_grants" ADD COLUMN "decision_comment" text;--> statement-breakpoint
ALTER TABLE "break_glass_grants" ADD COLUMN "activated_at" timestamp (3) with time zone;--> statement-breakpoint
ALTER TABLE "break_glass_grants" ADD COLUMN "grant_op_id" uuid;--> statement-breakpoint
ALTER TABLE "break_glass_grants" ADD COLUMN "revoke_op_id" uuid;--> statement-breakpoint
ALTER TABLE "break_glass_grants" ADD COLUMN "end_reason" text;--> statement-breakpoint
ALTER TABLE "break_glass_grants" ADD COLUMN "review_due_at" timestamp (3) with time zone;--> statement-breakpoint
ALTER TABLE "break_glass_grants" ADD COLUMN "overdue_notified_at" timestamp (3) with time zone;--> statement-breakpoint
ALTER TABLE "break_glass_grants" ADD COLUMN "require_rotation" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "break_glass_grants" ADD CONSTRAINT "break_glass_grants_decided_by_users_id_fk" FOREIGN KEY ("decided_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "break_glass_requester_idx" ON "break_glass_grants" USING btree ("requester_id","status");