// The one source of "now" for domain code, so tests can move time instead of sleeping.
// The override lives on globalThis: the server's bundles (pages, actions, route handlers) may each
// hold their own copy of this module, and a clock moved by the end-to-end tests' control route
// (app/api/test/clock) must move for all of them.
const KEY = Symbol.for("steward.clock");
type Holder = { [KEY]?: () => Date };
const holder = globalThis as Holder;

export function now(): Date {
  const override = holder[KEY];
  return override ? override() : new Date();
}

export function setClock(fn: (() => Date) | undefined): void {
  holder[KEY] = fn;
}

/** A day in milliseconds: the one constant for "n days from now" arithmetic. */
export const DAY = 86_400_000;

/** An hour in milliseconds (break-glass windows and just-in-time grants count hours). */
export const HOUR = 3_600_000;
