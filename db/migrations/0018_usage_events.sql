CREATE TABLE "identity_usage_sources" (
	"identity_id" uuid NOT NULL,
	"source_key" text NOT NULL,
	"first_seen_at" timestamp (3) with time zone NOT NULL,
	"last_seen_at" timestamp (3) with time zone NOT NULL,
	CONSTRAINT "identity_usage_sources_identity_id_source_key_pk" PRIMARY KEY("identity_id","source_key")
);
--> statement-breakpoint
CREATE TABLE "usage_flags" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"identity_id" uuid NOT NULL,
	"reason" text NOT NULL,
	"source_key" text NOT NULL,
	"source" jsonb NOT NULL,
	"used_at" timestamp (3) with time zone NOT NULL,
	"flagged_at" timestamp (3) with time zone NOT NULL,
	"reviewed_at" timestamp (3) with time zone,
	"reviewed_by" uuid,
	"review_comment" text
);
--> statement-breakpoint
ALTER TABLE "identity_usage_sources" ADD CONSTRAINT "identity_usage_sources_identity_id_identities_id_fk" FOREIGN KEY ("identity_id") REFERENCES "public"."identities"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "usage_flags" ADD CONSTRAINT "usage_flags_identity_id_identities_id_fk" FOREIGN KEY ("identity_id") REFERENCES "public"."identities"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "usage_flags" ADD CONSTRAINT "usage_flags_reviewed_by_users_id_fk" FOREIGN KEY ("reviewed_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "usage_flags_open_uq" ON "usage_flags" USING btree ("identity_id","reason","source_key") WHERE "usage_flags"."reviewed_at" IS NULL;--> statement-breakpoint
CREATE INDEX "usage_flags_open_idx" ON "usage_flags" USING btree ("identity_id") WHERE "usage_flags"."reviewed_at" IS NULL;