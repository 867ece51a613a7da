// The one source of "now" for domain code, so tests can move time instead of sleeping.
let override: (() => Date) | undefined;

export function now(): Date {
  return override ? override() : new Date();
}

export function setClock(fn: (() => Date) | undefined): void {
  override = fn;
}
