import "server-only";
import { auditFilterSchema, listAuditEvents, parseAuditFilter } from "@/lib/audit";
import { apiRoute } from "../route";
import { auditPageSchema } from "../schemas";

const json = (s: string | null): unknown => (s === null ? null : JSON.parse(s));

export const listAuditEventsRoute = apiRoute(
  {
    method: "GET",
    path: "/audit-events",
    operationId: "listAuditEvents",
    summary: "Read the audit log",
    description:
      "Security and auditors: the hash-chained log, newest first (`order=asc` for oldest first), filtered by actor, action, subject and days. Keyset pages: pass `older` as `before`, `newer` as `after`.",
    tag: "Audit",
    scope: "read",
    query: auditFilterSchema.shape,
    response: auditPageSchema,
  },
  async ({ db, actor, query }) => {
    const page = await listAuditEvents(db, actor, parseAuditFilter(query));
    return {
      data: page.events.map((e) => ({
        ...e,
        actorType: e.actorType as "person" | "token" | "job" | "system",
        before: json(e.before),
        after: json(e.after),
      })),
      newer: page.newerCursor,
      older: page.olderCursor,
    };
  },
);
