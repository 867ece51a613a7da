import "server-only";
import { redirect } from "next/navigation";
import { cache } from "react";
import { getDb } from "@/db";
import type { Actor } from "./actor";
import { auth } from "./next-auth";
import { resolveActor } from "./people";

/** The signed-in actor for this request (read once per request), or null. */
export const currentActor = cache(async (): Promise<Actor | null> => {
  const session = await auth();
  const personId = session?.user?.id;
  if (!personId) return null;
  return resolveActor(getDb(), personId);
});

/** The actor, or a redirect to sign-in: for pages and server actions. */
export async function requireActor(): Promise<Actor> {
  const actor = await currentActor();
  if (!actor) redirect("/signin");
  return actor;
}
