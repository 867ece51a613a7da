CREATE EXTENSION IF NOT EXISTS pg_trgm;--> statement-breakpoint
CREATE TYPE "public"."actor_type" AS ENUM('person', 'token', 'job', 'system');--> statement-breakpoint
CREATE TYPE "public"."approver_rule" AS ENUM('owner_manager', 'security', 'named');--> statement-breakpoint
CREATE TYPE "public"."break_glass_status" AS ENUM('requested', 'active', 'ended', 'reviewed');--> statement-breakpoint
CREATE TYPE "public"."campaign_status" AS ENUM('draft', 'active', 'closed');--> statement-breakpoint
CREATE TYPE "public"."connector_kind" AS ENUM('postgres', 'webhook', 'manual');--> statement-breakpoint
CREATE TYPE "public"."credential_type" AS ENUM('static_secret', 'certificate', 'short_lived_token', 'federated');--> statement-breakpoint
CREATE TYPE "public"."entitlement_status" AS ENUM('active', 'revoked', 'expired');--> statement-breakpoint
CREATE TYPE "public"."environment" AS ENUM('production', 'staging', 'development');--> statement-breakpoint
CREATE TYPE "public"."identity_kind" AS ENUM('service_account', 'api_key', 'oauth_app', 'workload', 'ci_token', 'bot', 'ai_agent');--> statement-breakpoint
CREATE TYPE "public"."identity_origin" AS ENUM('requested', 'imported', 'discovered');--> statement-breakpoint
CREATE TYPE "public"."identity_status" AS ENUM('pending', 'active', 'suspended', 'revoked', 'expired');--> statement-breakpoint
CREATE TYPE "public"."no_response_outcome" AS ENUM('keep', 'suspend', 'revoke');--> statement-breakpoint
CREATE TYPE "public"."person_status" AS ENUM('active', 'departed');--> statement-breakpoint
CREATE TYPE "public"."recurrence" AS ENUM('none', 'monthly', 'quarterly', 'yearly');--> statement-breakpoint
CREATE TYPE "public"."request_status" AS ENUM('pending', 'approved', 'denied', 'cancelled', 'expired', 'fulfilled');--> statement-breakpoint
CREATE TYPE "public"."request_type" AS ENUM('new_identity', 'grant_entitlement', 'extend_expiry', 'policy_exception', 'transfer_ownership', 'break_glass');--> statement-breakpoint
CREATE TYPE "public"."review_decision" AS ENUM('certify', 'revoke', 'reassign', 'no_response');--> statement-breakpoint
CREATE TYPE "public"."reviewer_rule" AS ENUM('owner', 'owner_manager', 'security', 'named');--> statement-breakpoint
CREATE TYPE "public"."revocation_status" AS ENUM('requested', 'executing', 'executed', 'verified', 'failed');--> statement-breakpoint
CREATE TYPE "public"."revocation_target" AS ENUM('identity', 'credential', 'entitlement');--> statement-breakpoint
CREATE TYPE "public"."role" AS ENUM('member', 'manager', 'security', 'auditor', 'admin');--> statement-breakpoint
CREATE TYPE "public"."stage_decision" AS ENUM('approve', 'deny');--> statement-breakpoint
CREATE TYPE "public"."system_kind" AS ENUM('aws_account', 'github_org', 'kubernetes_cluster', 'postgres_database', 'saas_app');--> statement-breakpoint
CREATE TYPE "public"."system_status" AS ENUM('active', 'retired');--> statement-breakpoint
CREATE TABLE "teams" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" text NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "teams_name_unique" UNIQUE("name")
);
--> statement-breakpoint
CREATE TABLE "users" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"email" text NOT NULL,
	"name" text NOT NULL,
	"roles" "role"[] DEFAULT '{member}'::role[] NOT NULL,
	"manager_id" uuid,
	"team_id" uuid,
	"status" "person_status" DEFAULT 'active' NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"departed_at" timestamp (3) with time zone,
	CONSTRAINT "users_email_unique" UNIQUE("email")
);
--> statement-breakpoint
CREATE TABLE "systems" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" text NOT NULL,
	"kind" "system_kind" NOT NULL,
	"connector" "connector_kind" DEFAULT 'manual' NOT NULL,
	"settings" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"status" "system_status" DEFAULT 'active' NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"retired_at" timestamp (3) with time zone,
	CONSTRAINT "systems_name_unique" UNIQUE("name")
);
--> statement-breakpoint
CREATE TABLE "entitlements" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"identity_id" uuid NOT NULL,
	"resource" text NOT NULL,
	"permission" text NOT NULL,
	"privileged" boolean DEFAULT false NOT NULL,
	"granted_by_request_id" uuid,
	"status" "entitlement_status" DEFAULT 'active' NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"expires_at" timestamp (3) with time zone
);
--> statement-breakpoint
CREATE TABLE "identities" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" text NOT NULL,
	"kind" "identity_kind" NOT NULL,
	"system_id" uuid NOT NULL,
	"environment" "environment" NOT NULL,
	"owner_id" uuid,
	"backup_owner_id" uuid,
	"team_id" uuid,
	"purpose" text,
	"status" "identity_status" DEFAULT 'active' NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"expires_at" timestamp (3) with time zone,
	"last_used_at" timestamp (3) with time zone,
	"last_rotated_at" timestamp (3) with time zone,
	"next_review_at" timestamp (3) with time zone,
	"credential_type" "credential_type" DEFAULT 'static_secret' NOT NULL,
	"rotation_period_days" integer,
	"secret_store" text,
	"origin" "identity_origin" NOT NULL,
	"external_id" text,
	"created_by_request_id" uuid,
	CONSTRAINT "identities_birth_certificate" CHECK ("identities"."origin" <> 'requested' OR ("identities"."owner_id" IS NOT NULL AND "identities"."purpose" IS NOT NULL AND btrim("identities"."purpose") <> '' AND "identities"."expires_at" IS NOT NULL)),
	CONSTRAINT "identities_rotation_period_positive" CHECK ("identities"."rotation_period_days" IS NULL OR "identities"."rotation_period_days" > 0),
	CONSTRAINT "identities_name_not_blank" CHECK (btrim("identities"."name") <> '')
);
--> statement-breakpoint
CREATE TABLE "approval_stages" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"request_id" uuid NOT NULL,
	"position" integer NOT NULL,
	"approver_rule" "approver_rule" NOT NULL,
	"approver_id" uuid,
	"reason" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "requests" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"type" "request_type" NOT NULL,
	"requester_id" uuid NOT NULL,
	"subject_identity_id" uuid,
	"payload" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"justification" text NOT NULL,
	"status" "request_status" DEFAULT 'pending' NOT NULL,
	"policy_version" text NOT NULL,
	"decision_trace" jsonb NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"decided_at" timestamp (3) with time zone,
	"fulfilled_at" timestamp (3) with time zone
);
--> statement-breakpoint
CREATE TABLE "stage_decisions" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"stage_id" uuid NOT NULL,
	"decided_by" uuid NOT NULL,
	"decision" "stage_decision" NOT NULL,
	"comment" text,
	"decided_at" timestamp (3) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "campaigns" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" text NOT NULL,
	"scope" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"reviewer_rule" "reviewer_rule" NOT NULL,
	"reviewer_id" uuid,
	"fallback_reviewer_rule" "reviewer_rule" DEFAULT 'owner_manager' NOT NULL,
	"starts_at" timestamp (3) with time zone NOT NULL,
	"due_at" timestamp (3) with time zone NOT NULL,
	"reminder_every_days" integer,
	"recurrence" "recurrence" DEFAULT 'none' NOT NULL,
	"no_response_outcome" "no_response_outcome" DEFAULT 'keep' NOT NULL,
	"status" "campaign_status" DEFAULT 'draft' NOT NULL,
	"created_by" uuid NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"closed_at" timestamp (3) with time zone,
	CONSTRAINT "campaigns_due_after_start" CHECK ("campaigns"."due_at" > "campaigns"."starts_at"),
	CONSTRAINT "campaigns_named_reviewer" CHECK ("campaigns"."reviewer_rule" <> 'named' OR "campaigns"."reviewer_id" IS NOT NULL)
);
--> statement-breakpoint
CREATE TABLE "review_items" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"campaign_id" uuid NOT NULL,
	"identity_id" uuid NOT NULL,
	"entitlement_id" uuid,
	"reviewer_id" uuid,
	"snapshot" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"decision" "review_decision",
	"comment" text,
	"decided_by" uuid,
	"decided_at" timestamp (3) with time zone,
	CONSTRAINT "review_items_campaign_subject_uq" UNIQUE NULLS NOT DISTINCT("campaign_id","identity_id","entitlement_id")
);
--> statement-breakpoint
CREATE TABLE "break_glass_grants" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"identity_id" uuid NOT NULL,
	"entitlement_id" uuid,
	"request_id" uuid,
	"requester_id" uuid NOT NULL,
	"justification" text NOT NULL,
	"incident_ref" text NOT NULL,
	"status" "break_glass_status" DEFAULT 'requested' NOT NULL,
	"starts_at" timestamp (3) with time zone NOT NULL,
	"hard_end_at" timestamp (3) with time zone NOT NULL,
	"ended_at" timestamp (3) with time zone,
	"ended_by" uuid,
	"reviewed_by" uuid,
	"reviewed_at" timestamp (3) with time zone,
	"review_comment" text,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "break_glass_end_after_start" CHECK ("break_glass_grants"."hard_end_at" > "break_glass_grants"."starts_at"),
	CONSTRAINT "break_glass_reviewed_needs_comment" CHECK ("break_glass_grants"."status" <> 'reviewed' OR ("break_glass_grants"."reviewed_by" IS NOT NULL AND "break_glass_grants"."review_comment" IS NOT NULL))
);
--> statement-breakpoint
CREATE TABLE "revocations" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"target_type" "revocation_target" NOT NULL,
	"identity_id" uuid NOT NULL,
	"entitlement_id" uuid,
	"credential_ref" text,
	"reason" text NOT NULL,
	"requested_by" uuid,
	"status" "revocation_status" DEFAULT 'requested' NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"next_attempt_at" timestamp (3) with time zone,
	"last_error" text,
	"connector_result" jsonb,
	"evidence" jsonb,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"verified_at" timestamp (3) with time zone,
	CONSTRAINT "revocations_entitlement_target" CHECK ("revocations"."target_type" <> 'entitlement' OR "revocations"."entitlement_id" IS NOT NULL),
	CONSTRAINT "revocations_credential_target" CHECK ("revocations"."target_type" <> 'credential' OR "revocations"."credential_ref" IS NOT NULL)
);
--> statement-breakpoint
CREATE TABLE "audit_events" (
	"seq" bigint PRIMARY KEY NOT NULL,
	"occurred_at" timestamp (3) with time zone NOT NULL,
	"actor_type" "actor_type" NOT NULL,
	"actor_id" text,
	"actor_label" text NOT NULL,
	"action" text NOT NULL,
	"subject_type" text,
	"subject_id" text,
	"before" jsonb,
	"after" jsonb,
	"request_id" uuid,
	"prev_hash" text NOT NULL,
	"hash" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "settings" (
	"key" text PRIMARY KEY NOT NULL,
	"value" jsonb NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"updated_by" uuid
);
--> statement-breakpoint
ALTER TABLE "users" ADD CONSTRAINT "users_manager_id_users_id_fk" FOREIGN KEY ("manager_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "users" ADD CONSTRAINT "users_team_id_teams_id_fk" FOREIGN KEY ("team_id") REFERENCES "public"."teams"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "entitlements" ADD CONSTRAINT "entitlements_identity_id_identities_id_fk" FOREIGN KEY ("identity_id") REFERENCES "public"."identities"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "identities" ADD CONSTRAINT "identities_system_id_systems_id_fk" FOREIGN KEY ("system_id") REFERENCES "public"."systems"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "identities" ADD CONSTRAINT "identities_owner_id_users_id_fk" FOREIGN KEY ("owner_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "identities" ADD CONSTRAINT "identities_backup_owner_id_users_id_fk" FOREIGN KEY ("backup_owner_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "identities" ADD CONSTRAINT "identities_team_id_teams_id_fk" FOREIGN KEY ("team_id") REFERENCES "public"."teams"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "approval_stages" ADD CONSTRAINT "approval_stages_request_id_requests_id_fk" FOREIGN KEY ("request_id") REFERENCES "public"."requests"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "approval_stages" ADD CONSTRAINT "approval_stages_approver_id_users_id_fk" FOREIGN KEY ("approver_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "requests" ADD CONSTRAINT "requests_requester_id_users_id_fk" FOREIGN KEY ("requester_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "requests" ADD CONSTRAINT "requests_subject_identity_id_identities_id_fk" FOREIGN KEY ("subject_identity_id") REFERENCES "public"."identities"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "stage_decisions" ADD CONSTRAINT "stage_decisions_stage_id_approval_stages_id_fk" FOREIGN KEY ("stage_id") REFERENCES "public"."approval_stages"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "stage_decisions" ADD CONSTRAINT "stage_decisions_decided_by_users_id_fk" FOREIGN KEY ("decided_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "campaigns" ADD CONSTRAINT "campaigns_reviewer_id_users_id_fk" FOREIGN KEY ("reviewer_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "campaigns" ADD CONSTRAINT "campaigns_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "review_items" ADD CONSTRAINT "review_items_campaign_id_campaigns_id_fk" FOREIGN KEY ("campaign_id") REFERENCES "public"."campaigns"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "review_items" ADD CONSTRAINT "review_items_identity_id_identities_id_fk" FOREIGN KEY ("identity_id") REFERENCES "public"."identities"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "review_items" ADD CONSTRAINT "review_items_entitlement_id_entitlements_id_fk" FOREIGN KEY ("entitlement_id") REFERENCES "public"."entitlements"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "review_items" ADD CONSTRAINT "review_items_reviewer_id_users_id_fk" FOREIGN KEY ("reviewer_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "review_items" ADD CONSTRAINT "review_items_decided_by_users_id_fk" FOREIGN KEY ("decided_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "break_glass_grants" ADD CONSTRAINT "break_glass_grants_identity_id_identities_id_fk" FOREIGN KEY ("identity_id") REFERENCES "public"."identities"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "break_glass_grants" ADD CONSTRAINT "break_glass_grants_entitlement_id_entitlements_id_fk" FOREIGN KEY ("entitlement_id") REFERENCES "public"."entitlements"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "break_glass_grants" ADD CONSTRAINT "break_glass_grants_request_id_requests_id_fk" FOREIGN KEY ("request_id") REFERENCES "public"."requests"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "break_glass_grants" ADD CONSTRAINT "break_glass_grants_requester_id_users_id_fk" FOREIGN KEY ("requester_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "break_glass_grants" ADD CONSTRAINT "break_glass_grants_ended_by_users_id_fk" FOREIGN KEY ("ended_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "break_glass_grants" ADD CONSTRAINT "break_glass_grants_reviewed_by_users_id_fk" FOREIGN KEY ("reviewed_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "revocations" ADD CONSTRAINT "revocations_identity_id_identities_id_fk" FOREIGN KEY ("identity_id") REFERENCES "public"."identities"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "revocations" ADD CONSTRAINT "revocations_entitlement_id_entitlements_id_fk" FOREIGN KEY ("entitlement_id") REFERENCES "public"."entitlements"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "revocations" ADD CONSTRAINT "revocations_requested_by_users_id_fk" FOREIGN KEY ("requested_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "settings" ADD CONSTRAINT "settings_updated_by_users_id_fk" FOREIGN KEY ("updated_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "users_manager_idx" ON "users" USING btree ("manager_id");--> statement-breakpoint
CREATE INDEX "users_team_idx" ON "users" USING btree ("team_id");--> statement-breakpoint
CREATE INDEX "entitlements_identity_idx" ON "entitlements" USING btree ("identity_id");--> statement-breakpoint
CREATE INDEX "entitlements_privileged_idx" ON "entitlements" USING btree ("identity_id") WHERE "entitlements"."privileged" AND "entitlements"."status" = 'active';--> statement-breakpoint
CREATE UNIQUE INDEX "identities_system_external_id_uq" ON "identities" USING btree ("system_id","external_id");--> statement-breakpoint
CREATE INDEX "identities_owner_idx" ON "identities" USING btree ("owner_id","name","id");--> statement-breakpoint
CREATE INDEX "identities_backup_owner_idx" ON "identities" USING btree ("backup_owner_id");--> statement-breakpoint
CREATE INDEX "identities_team_idx" ON "identities" USING btree ("team_id","name","id");--> statement-breakpoint
CREATE INDEX "identities_system_idx" ON "identities" USING btree ("system_id","name","id");--> statement-breakpoint
CREATE INDEX "identities_status_idx" ON "identities" USING btree ("status","name","id");--> statement-breakpoint
CREATE INDEX "identities_kind_env_idx" ON "identities" USING btree ("kind","environment");--> statement-breakpoint
CREATE INDEX "identities_name_idx" ON "identities" USING btree ("name","id");--> statement-breakpoint
CREATE INDEX "identities_expires_idx" ON "identities" USING btree ("expires_at","id");--> statement-breakpoint
CREATE INDEX "identities_last_used_idx" ON "identities" USING btree ("last_used_at","id");--> statement-breakpoint
CREATE INDEX "identities_created_idx" ON "identities" USING btree ("created_at","id");--> statement-breakpoint
CREATE INDEX "identities_next_review_idx" ON "identities" USING btree ("next_review_at","id");--> statement-breakpoint
CREATE INDEX "identities_name_trgm" ON "identities" USING gin ("name" gin_trgm_ops);--> statement-breakpoint
CREATE INDEX "identities_purpose_trgm" ON "identities" USING gin ("purpose" gin_trgm_ops);--> statement-breakpoint
CREATE INDEX "identities_external_id_trgm" ON "identities" USING gin ("external_id" gin_trgm_ops);--> statement-breakpoint
CREATE UNIQUE INDEX "approval_stages_request_position_uq" ON "approval_stages" USING btree ("request_id","position");--> statement-breakpoint
CREATE INDEX "approval_stages_approver_idx" ON "approval_stages" USING btree ("approver_id");--> statement-breakpoint
CREATE INDEX "requests_requester_idx" ON "requests" USING btree ("requester_id","created_at");--> statement-breakpoint
CREATE INDEX "requests_status_idx" ON "requests" USING btree ("status","created_at");--> statement-breakpoint
CREATE INDEX "requests_subject_idx" ON "requests" USING btree ("subject_identity_id");--> statement-breakpoint
CREATE UNIQUE INDEX "requests_one_pending_per_subject_uq" ON "requests" USING btree ("subject_identity_id","type") WHERE "requests"."status" = 'pending' AND "requests"."subject_identity_id" IS NOT NULL;--> statement-breakpoint
CREATE UNIQUE INDEX "stage_decisions_one_per_stage_uq" ON "stage_decisions" USING btree ("stage_id");--> statement-breakpoint
CREATE INDEX "review_items_reviewer_idx" ON "review_items" USING btree ("reviewer_id","campaign_id");--> statement-breakpoint
CREATE INDEX "review_items_identity_idx" ON "review_items" USING btree ("identity_id");--> statement-breakpoint
CREATE INDEX "break_glass_status_idx" ON "break_glass_grants" USING btree ("status","hard_end_at");--> statement-breakpoint
CREATE INDEX "break_glass_identity_idx" ON "break_glass_grants" USING btree ("identity_id");--> statement-breakpoint
CREATE UNIQUE INDEX "revocations_one_in_flight_uq" ON "revocations" USING btree ("target_type","identity_id",coalesce("entitlement_id", '00000000-0000-0000-0000-000000000000'::uuid),coalesce("credential_ref", '')) WHERE "revocations"."status" IN ('requested', 'executing', 'executed', 'failed');--> statement-breakpoint
CREATE INDEX "revocations_status_idx" ON "revocations" USING btree ("status","next_attempt_at");--> statement-breakpoint
CREATE INDEX "revocations_identity_idx" ON "revocations" USING btree ("identity_id");--> statement-breakpoint
CREATE INDEX "audit_events_actor_idx" ON "audit_events" USING btree ("actor_id","seq");--> statement-breakpoint
CREATE INDEX "audit_events_action_idx" ON "audit_events" USING btree ("action","seq");--> statement-breakpoint
CREATE INDEX "audit_events_subject_idx" ON "audit_events" USING btree ("subject_type","subject_id","seq");--> statement-breakpoint
CREATE INDEX "audit_events_occurred_idx" ON "audit_events" USING btree ("occurred_at");