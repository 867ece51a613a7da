ALTER TABLE "api_tokens" ADD COLUMN "person_id" uuid;--> statement-breakpoint
UPDATE "api_tokens" t SET "person_id" = i."owner_id" FROM "identities" i WHERE i."id" = t."identity_id";--> statement-breakpoint
DELETE FROM "api_tokens" WHERE "person_id" IS NULL;--> statement-breakpoint
ALTER TABLE "api_tokens" ALTER COLUMN "person_id" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "api_tokens" ADD CONSTRAINT "api_tokens_person_id_users_id_fk" FOREIGN KEY ("person_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;
