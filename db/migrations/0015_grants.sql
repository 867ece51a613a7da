CREATE TYPE "public"."connector_operation" AS ENUM('revoke', 'grant');--> statement-breakpoint
ALTER TYPE "public"."entitlement_status" ADD VALUE 'pending' BEFORE 'active';--> statement-breakpoint
DROP INDEX "revocations_one_in_flight_uq";--> statement-breakpoint
ALTER TABLE "revocations" ADD COLUMN "operation" "connector_operation" DEFAULT 'revoke' NOT NULL;--> statement-breakpoint
CREATE INDEX "entitlements_expiry_idx" ON "entitlements" USING btree ("expires_at") WHERE "entitlements"."status" = 'active' AND "entitlements"."expires_at" IS NOT NULL;--> statement-breakpoint
CREATE UNIQUE INDEX "revocations_one_in_flight_uq" ON "revocations" USING btree ("operation","target_type","identity_id",coalesce("entitlement_id", '00000000-0000-0000-0000-000000000000'::uuid),coalesce("credential_ref", '')) WHERE "revocations"."status" IN ('requested', 'executing', 'executed', 'failed');--> statement-breakpoint
ALTER TABLE "revocations" ADD CONSTRAINT "revocations_grant_is_entitlement" CHECK ("revocations"."operation" <> 'grant' OR "revocations"."target_type" = 'entitlement');