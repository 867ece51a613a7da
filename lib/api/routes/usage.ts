import "server-only";
import { z } from "zod";
import { ingestUsage, MAX_EVENTS, usageBatchSchema } from "@/lib/usage";
import { apiRoute } from "../route";

export const ingestedSchema = z
  .object({
    received: z.number().int(),
    matched: z.number().int(),
    unknown: z.number().int().describe("Events whose system and external id match no identity."),
    unknownSamples: z.array(z.object({ system: z.string(), externalId: z.string() })),
    moved: z.number().int().describe("Identities whose last use moved forward."),
    flagged: z.object({ newSource: z.number().int(), interactive: z.number().int() }),
  })
  .meta({ id: "UsageIngested" });

export const ingestUsageRoute = apiRoute(
  {
    method: "POST",
    path: "/usage",
    operationId: "ingestUsage",
    summary: "Report usage events",
    description: `Security and admins (a collector's token): up to ${MAX_EVENTS.toLocaleString("en")} events a batch, each naming the identity by its system's name and its external id there. Each moves the identity's last use forward, never back. Unusual use is flagged on the identity and counted on the overview: a production identity used from a source (address, workload) it has never used before, or a service account or workload used interactively by a person (\`interactive: true\`, or a browser's user agent). Events for unknown identities are counted, not refused.`,
    tag: "Usage",
    scope: "write",
    body: usageBatchSchema,
    response: ingestedSchema,
    maxBodyBytes: 4 * 1024 * 1024,
  },
  async ({ db, actor, at, body }) => ingestUsage(db, actor, body, at),
);
