import { z } from "zod";
import type { Database } from "@/db";
import type { Actor } from "@/lib/auth";
import { createApiToken } from "@/lib/tokens";
import type { ApiHandler } from "./route";

// What the API's tests share: a token for a persona, and a call to a route handler as Next would make it.

export async function tokenFor(
  db: Database,
  actor: Actor,
  scopes: ("read" | "write" | "scim")[] = ["read", "write"],
  name = `t-${Math.random().toString(36).slice(2, 8)}`,
): Promise<string> {
  const created = await createApiToken(db, actor, {
    name,
    purpose: "Tests of the REST API.",
    scopes,
    expiresInDays: 30,
  });
  return created.token;
}

export type Call = {
  token?: string | null;
  query?: string;
  body?: unknown;
  /** Sent as is (malformed JSON). */
  raw?: string;
  params?: Record<string, string>;
  headers?: Record<string, string>;
};

// The body is whatever the route answered: tests read into it freely, and openapi.test.ts checks its shape.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function call(route: ApiHandler, c: Call = {}): Promise<{ status: number; body: any; headers: Headers }> {
  const path = route.spec.path.replace(/\{(\w+)\}/g, (_, k: string) => c.params?.[k] ?? k);
  const headers: Record<string, string> = { ...c.headers };
  if (c.token) headers.authorization = `Bearer ${c.token}`;
  const body = c.raw ?? (c.body === undefined ? undefined : JSON.stringify(c.body));
  if (body !== undefined) headers["content-type"] = "application/json";
  const request = new Request(`http://localhost/api/v1${path}${c.query ? `?${c.query}` : ""}`, {
    method: route.spec.method,
    headers,
    body,
  });
  const res = await route(request, { params: Promise.resolve(c.params ?? {}) });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null, headers: res.headers };
}

/** The error's shape every refusal has. */
export const apiErrorShape = z.object({ error: z.object({ code: z.string(), message: z.string() }) });
