ALTER TABLE "users" ADD COLUMN "oidc_issuer" text;--> statement-breakpoint
ALTER TABLE "users" ADD COLUMN "oidc_subject" text;--> statement-breakpoint
ALTER TABLE "systems" ADD COLUMN "environment" "environment" DEFAULT 'production' NOT NULL;--> statement-breakpoint
-- A system's environment: what its connector settings said, else what most of its identities were
-- labelled, else production (the safe guess: policy is strictest there).
UPDATE "systems" s SET "environment" = coalesce(
  CASE WHEN s.settings->>'environment' IN ('production', 'staging', 'development') THEN (s.settings->>'environment')::"environment" END,
  (SELECT i.environment FROM identities i WHERE i.system_id = s.id GROUP BY i.environment ORDER BY count(*) DESC, i.environment LIMIT 1),
  'production');--> statement-breakpoint
-- An identity's environment is its system's, never a requester's choice.
UPDATE "identities" i SET "environment" = s.environment FROM systems s WHERE s.id = i.system_id AND i.environment <> s.environment;--> statement-breakpoint
-- Live names become unique per system. Where two live identities share one, every one but the first
-- (bound accounts first, then the oldest) is renamed so that the index can be built; none is lost.
UPDATE "identities" i SET "name" = i.name || '~dup-' || left(i.id::text, 8)
FROM (
  SELECT id, row_number() OVER (PARTITION BY system_id, name ORDER BY (external_id IS NULL), created_at, id) AS n
  FROM identities WHERE status IN ('pending', 'active', 'suspended')
) d WHERE d.id = i.id AND d.n > 1;--> statement-breakpoint
CREATE UNIQUE INDEX "users_oidc_subject_uq" ON "users" USING btree ("oidc_issuer","oidc_subject");--> statement-breakpoint
CREATE UNIQUE INDEX "identities_system_live_name_uq" ON "identities" USING btree ("system_id","name") WHERE "identities"."status" IN ('pending', 'active', 'suspended');
