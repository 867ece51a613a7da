import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { type Actor, requireActor } from "@/lib/auth";
import { DomainError } from "@/lib/errors";
import { formValues } from "./fields";
import type { ActionError, FormState } from "./result";

/** What the domain call answers on success: the message under the form, or that and where to go next. */
export type Done = string | void | { message?: string; redirect?: string; reveal?: string };

/** Pages showing what an action changed: fixed, or read from the form (the record's own page). */
export type Paths = string | readonly string[] | ((form: FormData) => string | readonly string[] | undefined);

export type ActionOptions = {
  /** Revalidated only when the call succeeded. */
  revalidate?: Paths;
  /** Send the submitted text fields back with the answer, so a refused form keeps what was typed. */
  keepValues?: boolean;
};

type Attempt<T> = { ran: true; value: T } | { ran: false; refused: ActionError };

// The actor is resolved before the try: with no session requireActor redirects to sign-in by
// throwing, and nothing runs. Only a DomainError is an answer; anything else stays an exception.
async function attempt<T>(run: (actor: Actor) => Promise<T>): Promise<Attempt<T>> {
  const actor = await requireActor();
  try {
    return { ran: true, value: await run(actor) };
  } catch (e) {
    if (e instanceof DomainError) return { ran: false, refused: { error: e.message, fieldErrors: e.fieldErrors } };
    throw e;
  }
}

function pathsOf(paths: Paths | undefined, form: FormData): readonly string[] {
  const p = typeof paths === "function" ? paths(form) : paths;
  return p === undefined ? [] : typeof p === "string" ? [p] : p;
}

/**
 * A server action for a form (useActionState): the session's actor and the form go to `run`, which
 * calls lib/<domain> and says what happened; a DomainError becomes `{ ok: false, error, fieldErrors }`.
 * On success the `revalidate` paths are revalidated, then `redirect` (if `run` gave one) is followed.
 */
export function actorAction(
  run: (actor: Actor, form: FormData) => Promise<Done>,
  { revalidate, keepValues = false }: ActionOptions = {},
): (prev: FormState, form: FormData) => Promise<FormState> {
  return async (_prev, form) => {
    const outcome = await attempt((actor) => run(actor, form));
    const values = keepValues ? { values: formValues(form) } : {};
    if (!outcome.ran) return { ok: false, ...outcome.refused, ...values };
    const done = typeof outcome.value === "object" ? outcome.value : { message: outcome.value ?? undefined };
    for (const path of pathsOf(revalidate, form)) revalidatePath(path);
    // Outside any try: redirect() works by throwing.
    if (done.redirect) redirect(done.redirect);
    return { ok: true, message: done.message, ...(done.reveal ? { reveal: done.reveal } : {}), ...values };
  };
}

/**
 * The same wrapper for a call that answers with data instead of a message (a dry run the page shows
 * as it is typed): the value, or the refusal. It changes nothing, so nothing is revalidated.
 */
actorAction.preview = function preview<T>(
  run: (actor: Actor, form: FormData) => Promise<T>,
): (form: FormData) => Promise<T | ActionError> {
  return async (form) => {
    const outcome = await attempt((actor) => run(actor, form));
    return outcome.ran ? outcome.value : outcome.refused;
  };
};
