CREATE TABLE "policy_exceptions" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"identity_id" uuid NOT NULL,
	"rule" text NOT NULL,
	"justification" text NOT NULL,
	"starts_at" timestamp (3) with time zone NOT NULL,
	"ends_at" timestamp (3) with time zone NOT NULL,
	"request_id" uuid NOT NULL
);
--> statement-breakpoint
DROP INDEX "requests_requester_idx";--> statement-breakpoint
DROP INDEX "requests_status_idx";--> statement-breakpoint
ALTER TABLE "requests" ADD COLUMN "current_stage" integer;--> statement-breakpoint
ALTER TABLE "requests" ADD COLUMN "awaiting_approver_id" uuid;--> statement-breakpoint
ALTER TABLE "requests" ADD COLUMN "awaiting_security" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "requests" ADD COLUMN "standard" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "policy_exceptions" ADD CONSTRAINT "policy_exceptions_identity_id_identities_id_fk" FOREIGN KEY ("identity_id") REFERENCES "public"."identities"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "policy_exceptions" ADD CONSTRAINT "policy_exceptions_request_id_requests_id_fk" FOREIGN KEY ("request_id") REFERENCES "public"."requests"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "policy_exceptions_identity_idx" ON "policy_exceptions" USING btree ("identity_id","ends_at");--> statement-breakpoint
CREATE UNIQUE INDEX "policy_exceptions_request_uq" ON "policy_exceptions" USING btree ("request_id");--> statement-breakpoint
ALTER TABLE "requests" ADD CONSTRAINT "requests_awaiting_approver_id_users_id_fk" FOREIGN KEY ("awaiting_approver_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "requests_type_idx" ON "requests" USING btree ("type","created_at","id");--> statement-breakpoint
CREATE INDEX "requests_created_idx" ON "requests" USING btree ("created_at","id");--> statement-breakpoint
CREATE INDEX "requests_awaiting_approver_idx" ON "requests" USING btree ("awaiting_approver_id","created_at","id") WHERE "requests"."status" = 'pending';--> statement-breakpoint
CREATE INDEX "requests_awaiting_security_idx" ON "requests" USING btree ("created_at","id") WHERE "requests"."status" = 'pending' AND "requests"."awaiting_security";--> statement-breakpoint
CREATE INDEX "requests_requester_idx" ON "requests" USING btree ("requester_id","created_at","id");--> statement-breakpoint
CREATE INDEX "requests_status_idx" ON "requests" USING btree ("status","created_at","id");--> statement-breakpoint
-- Backfill: who each pending request's current stage waits for (the same rule as lib/requests/stages.ts).
UPDATE "requests" r SET
  "current_stage" = cs.position,
  "awaiting_approver_id" = CASE WHEN cs.approver_rule <> 'security' THEN cs.approver_id END,
  "awaiting_security" = cs.position IS NOT NULL AND (cs.approver_rule = 'security' OR cs.approver_id IS NULL),
  "standard" = coalesce((r.decision_trace->>'standard')::boolean, false)
FROM "requests" r2 LEFT JOIN LATERAL (
  SELECT s.position, s.approver_rule, s.approver_id FROM "approval_stages" s
  WHERE s.request_id = r2.id AND NOT EXISTS (SELECT 1 FROM "stage_decisions" sd WHERE sd.stage_id = s.id)
  ORDER BY s.position LIMIT 1) cs ON true
WHERE r.id = r2.id AND r2.status = 'pending';
