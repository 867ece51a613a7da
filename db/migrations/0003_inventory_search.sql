DROP INDEX "identities_name_trgm";--> statement-breakpoint
DROP INDEX "identities_purpose_trgm";--> statement-breakpoint
DROP INDEX "identities_external_id_trgm";--> statement-breakpoint
CREATE INDEX "identities_search_trgm" ON "identities" USING gin (("name" || chr(31) || coalesce("external_id", '') || chr(31) || coalesce("purpose", '')) gin_trgm_ops);