DROP INDEX "identities_last_used_idx";--> statement-breakpoint
ALTER TABLE "identities" ADD COLUMN "risk_score" smallint DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "identities" ADD COLUMN "risk_factors" text[] DEFAULT '{}'::text[] NOT NULL;--> statement-breakpoint
CREATE INDEX "identities_risk_idx" ON "identities" USING btree ("risk_score","id");--> statement-breakpoint
CREATE INDEX "identities_last_used_idx" ON "identities" USING btree ("last_used_at" NULLS FIRST,"id");