import { type Actor, requireActor } from "@/lib/auth";
import { DomainError } from "@/lib/errors";

/**
 * Reads a list page's URL with `parse`. A DomainError (a bad parameter) comes back beside the
 * fallback, for the page to show with the default view; anything else is a failure and is thrown.
 */
export function readOrError<T>(parse: () => T, fallback: T): [T, DomainError | null] {
  try {
    return [parse(), null];
  } catch (e) {
    if (!(e instanceof DomainError)) throw e;
    return [fallback, e];
  }
}

/** A page's props when it reads its URL's query. */
export type SearchParamsProps = { searchParams: Promise<Record<string, string | string[] | undefined>> };

type SearchParams = Awaited<SearchParamsProps["searchParams"]>;

/**
 * What a list page starts with: the signed-in actor (or the way to sign-in), its URL's query, and
 * the list's state read from it by `parse` (a bad parameter comes back as `error` beside the fallback).
 */
export async function readListPage<T>(
  { searchParams }: SearchParamsProps,
  parse: (raw: SearchParams) => T,
  fallback: T,
): Promise<{ actor: Actor; raw: SearchParams; state: T; error: DomainError | null }> {
  const actor = await requireActor();
  const raw = await searchParams;
  const [state, error] = readOrError(() => parse(raw), fallback);
  return { actor, raw, state, error };
}
