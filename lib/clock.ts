// The one source of "now" for domain code, so tests can move time instead of sleeping.
let override: (() => Date) | undefined;

export function now(): Date {
  return override ? override() : new Date();
}

export function setClock(fn: (() => Date) | undefined): void {
  override = fn;
}

/** A day in milliseconds: the one constant for "n days from now" arithmetic. */
export const DAY = 86_400_000;

/** An hour in milliseconds (break-glass windows and just-in-time grants count hours). */
export const HOUR = 3_600_000;
