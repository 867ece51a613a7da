import type { Metadata } from "next";
import Link from "next/link";
import { connection } from "next/server";

export const metadata: Metadata = { title: "Not found" };

/**
 * An unknown URL's "not found" (records out of scope get app/(app)/not-found.tsx, inside the shell).
 * Rendered per request so
 * Next.js can put the request's CSP nonce on its scripts: a prerendered page has none, and the
 * policy would block them all. Styled by class, not inline style (style-src takes only the nonce).
 */
export default async function NotFound() {
  await connection();
  return (
    <main className="mx-auto flex min-h-screen max-w-md flex-col justify-center px-4 py-10">
      <h1 className="text-2xl font-semibold text-brand-800">Not found</h1>
      <p className="mt-2 text-sm text-slate-600">There is nothing here, or nothing you may see.</p>
      <p className="mt-4 text-sm">
        <Link href="/" className="text-brand-700 underline">
          Back to Steward
        </Link>
      </p>
    </main>
  );
}
