import { beforeEach, describe, expect, it, vi } from "vitest";
import type { Actor } from "@/lib/auth/actor";
import { invalid } from "@/lib/errors";

// Next.js's request-bound functions are replaced by recorders; the session is a plain stub. What
// is asserted is what the wrapper answers and what it asked Next.js to do.
const next = vi.hoisted(() => ({
  actor: null as unknown,
  revalidated: [] as string[],
  redirected: [] as string[],
}));
vi.mock("@/lib/auth/session", () => ({
  requireActor: async () => {
    if (!next.actor) throw new Error("NEXT_REDIRECT /signin");
    return next.actor;
  },
}));
vi.mock("next/cache", () => ({ revalidatePath: (p: string) => void next.revalidated.push(p) }));
vi.mock("next/navigation", () => ({
  // Like Next.js's, it throws: the wrapper must not catch it.
  redirect: (p: string) => {
    next.redirected.push(p);
    throw new Error(`NEXT_REDIRECT ${p}`);
  },
}));

const { actorAction } = await import("./action");

const ANA: Actor = { personId: "p-ana", name: "Ana", email: "ana@example.com", roles: ["member"], teamId: null };
const form = (fields: Record<string, string>) => {
  const f = new FormData();
  for (const [k, v] of Object.entries(fields)) f.append(k, v);
  f.append("upload", new Blob(["x"]), "x.txt");
  return f;
};

beforeEach(() => {
  next.actor = ANA;
  next.revalidated = [];
  next.redirected = [];
});

describe("actorAction", () => {
  it("runs the call with the session's actor and the form, answers its message and revalidates", async () => {
    const seen: unknown[] = [];
    const act = actorAction(
      async (actor, f) => {
        seen.push(actor, f.get("name"));
        return "Saved.";
      },
      { revalidate: (f) => [`/things/${String(f.get("name"))}`, "/things"] },
    );
    expect(await act(null, form({ name: "a" }))).toEqual({ ok: true, message: "Saved." });
    expect(seen).toEqual([ANA, "a"]);
    expect(next.revalidated).toEqual(["/things/a", "/things"]);
  });

  it("answers a DomainError as the form's refusal with its field errors, keeps the typed values, revalidates nothing", async () => {
    const act = actorAction(
      async () => {
        throw invalid("The request was not submitted.", { reason: ["Say why."] });
      },
      { revalidate: "/requests", keepValues: true },
    );
    expect(await act(null, form({ reason: " ", type: "new_identity" }))).toEqual({
      ok: false,
      error: "The request was not submitted.",
      fieldErrors: { reason: ["Say why."] },
      values: { reason: " ", type: "new_identity" },
    });
    expect(next.revalidated).toEqual([]);
    expect(next.redirected).toEqual([]);
  });

  it("rethrows anything that is not a DomainError, and revalidates nothing", async () => {
    const act = actorAction(
      async () => {
        throw new Error("connection reset");
      },
      { revalidate: "/systems" },
    );
    await expect(act(null, form({}))).rejects.toThrow("connection reset");
    expect(next.revalidated).toEqual([]);
  });

  it("without a session sends the person to sign-in and never runs the call", async () => {
    next.actor = null;
    const run = vi.fn(async () => "Saved.");
    await expect(actorAction(run)(null, form({}))).rejects.toThrow("NEXT_REDIRECT /signin");
    expect(run).not.toHaveBeenCalled();
  });

  it("follows a redirect after revalidating, outside its error handling", async () => {
    const act = actorAction(async () => ({ redirect: "/requests/r-1" }), { revalidate: "/requests" });
    await expect(act(null, form({}))).rejects.toThrow("NEXT_REDIRECT /requests/r-1");
    expect(next.revalidated).toEqual(["/requests"]);
    expect(next.redirected).toEqual(["/requests/r-1"]);
  });
});

describe("actorAction.preview", () => {
  it("answers the call's value, or its refusal, and revalidates nothing", async () => {
    const ok = actorAction.preview(async (actor) => ({ decision: `for ${actor.email}` }));
    expect(await ok(form({}))).toEqual({ decision: "for ana@example.com" });
    const refused = actorAction.preview(async () => {
      throw invalid("Not complete yet.", { type: ["Pick one."] });
    });
    expect(await refused(form({}))).toEqual({ error: "Not complete yet.", fieldErrors: { type: ["Pick one."] } });
    expect(next.revalidated).toEqual([]);
  });
});
