import Link from "next/link";

/**
 * "Not found" inside the app's shell (a record out of the reader's scope, a malformed id): the
 * shell's layout already gives the page its <main>. Styled by class: the CSP takes no inline style.
 */
export default function NotFound() {
  return (
    <section aria-labelledby="not-found-heading" className="py-10">
      <h1 id="not-found-heading" className="text-xl font-semibold">
        Not found
      </h1>
      <p className="mt-2 text-sm text-slate-600">There is nothing here, or nothing you may see.</p>
      <p className="mt-4 text-sm">
        <Link href="/" className="text-brand-700 underline">
          Back to the overview
        </Link>
      </p>
    </section>
  );
}
