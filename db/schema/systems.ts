import { sql } from "drizzle-orm";
import { jsonb, pgTable, text, timestamp } from "drizzle-orm/pg-core";
import { id } from "./builders";
import { connectorKindEnum, environmentEnum, systemKindEnum, systemStatusEnum } from "./enums";

export const systems = pgTable("systems", {
  id: id(),
  name: text("name").notNull().unique(),
  kind: systemKindEnum("kind").notNull(),
  // The environment every identity in the system lives in: policy reads it from here, never from a
  // requester's form. Admins set it on Systems; identities.environment is kept equal to it.
  environment: environmentEnum("environment").notNull().default("production"),
  connector: connectorKindEnum("connector").notNull().default("manual"),
  // Connector settings; secrets inside are never sent to the browser.
  settings: jsonb("settings")
    .$type<Record<string, unknown>>()
    .notNull()
    .default(sql`'{}'::jsonb`),
  status: systemStatusEnum("status").notNull().default("active"),
  createdAt: timestamp("created_at", { withTimezone: true, precision: 3 }).notNull().defaultNow(),
  retiredAt: timestamp("retired_at", { withTimezone: true, precision: 3 }),
});
