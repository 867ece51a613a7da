/** A refusal as a form shows it: one message, and the messages for each field it concerns. */
export type ActionError = { error: string; fieldErrors?: Record<string, string[]> };

/** What a server action returns to its form: success, or a message and per-field errors. */
/** `reveal`: a secret shown once to the person who made it (a new API token), never stored in the page. */
export type ActionResult = { ok: true; message?: string; reveal?: string } | ({ ok: false } & ActionError) | null;

/** An action's answer with the submitted text fields, so a refused form keeps what was typed. */
export type FormState = (ActionResult & { values?: Record<string, string> }) | null;
