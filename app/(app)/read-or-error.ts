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
