import { sql } from "drizzle-orm";
import { index, pgTable, text, timestamp, uniqueIndex, uuid, type AnyPgColumn } from "drizzle-orm/pg-core";
import { id } from "./builders";
import { personStatusEnum, roleEnum } from "./enums";

export const teams = pgTable("teams", {
  id: id(),
  name: text("name").notNull().unique(),
  createdAt: timestamp("created_at", { withTimezone: true, precision: 3 }).notNull().defaultNow(),
});

export const users = pgTable(
  "users",
  {
    id: id(),
    email: text("email").notNull().unique(),
    name: text("name").notNull(),
    roles: roleEnum("roles")
      .array()
      .notNull()
      .default(sql`'{member}'::role[]`),
    managerId: uuid("manager_id").references((): AnyPgColumn => users.id, { onDelete: "set null" }),
    teamId: uuid("team_id").references(() => teams.id, { onDelete: "set null" }),
    status: personStatusEnum("status").notNull().default("active"),
    createdAt: timestamp("created_at", { withTimezone: true, precision: 3 }).notNull().defaultNow(),
    departedAt: timestamp("departed_at", { withTimezone: true, precision: 3 }),
    // The OpenID Connect account bound at the first sign-in (issuer + subject): later sign-ins are
    // matched by it, never by an email a provider may let its users change.
    oidcIssuer: text("oidc_issuer"),
    oidcSubject: text("oidc_subject"),
  },
  (t) => [
    index("users_manager_idx").on(t.managerId),
    index("users_team_idx").on(t.teamId),
    uniqueIndex("users_oidc_subject_uq").on(t.oidcIssuer, t.oidcSubject),
  ],
);
