// Reading a form's fields, once. Values stay loosely typed on purpose: lib/<domain> parses every
// input with zod, so an action only picks fields out and never decides what a valid value is.

/** A text field as sent, or undefined when it is missing or a file. */
export function field(form: FormData, name: string): string | undefined {
  const v = form.get(name);
  return typeof v === "string" ? v : undefined;
}

/** The named text fields as sent (each undefined when missing), to pass on as a domain call's input. */
export function fields<K extends string>(form: FormData, ...names: K[]): Record<K, string | undefined> {
  return Object.fromEntries(names.map((name) => [name, field(form, name)])) as Record<K, string | undefined>;
}

/**
 * A field as text ("" when missing), trimmed unless `trim: false` (an id is passed on exactly as
 * sent, so a stray space is refused by its parser rather than silently mended).
 */
export function text(form: FormData, name: string, { trim = true }: { trim?: boolean } = {}): string {
  const v = String(form.get(name) ?? "");
  return trim ? v.trim() : v;
}

/** A field as text, or undefined when it is empty (an optional input left blank). */
export function optionalText(form: FormData, name: string, options?: { trim?: boolean }): string | undefined {
  return text(form, name, options) || undefined;
}

/** The submitted text fields by name, to put back in a form the server refused. */
export function formValues(form: FormData): Record<string, string> {
  return Object.fromEntries([...form.entries()].filter(([, v]) => typeof v === "string")) as Record<string, string>;
}
