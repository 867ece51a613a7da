import type { Metadata } from "next";
import { inArray } from "drizzle-orm";
import { connection } from "next/server";
import { redirect } from "next/navigation";
import { Button } from "@/components/ui/button";
import { databaseKind, getDb } from "@/db";
import { users } from "@/db/schema";
import { safeCallbackUrl, PERSONAS, currentActor } from "@/lib/auth";
import { isDemoMode, oidcConfig } from "@/lib/config";
import { demoSignInAction, oidcSignInAction } from "./actions";

export const metadata: Metadata = { title: "Sign in" };

const ERRORS: Record<string, string> = {
  CredentialsSignin: "That sign-in was refused.",
  AccessDenied:
    "Your account may not sign in to Steward: it may belong to someone who has left, or its email address belongs to a person who signs in with another account. Ask an administrator.",
  NoEmail: "Your identity provider did not share an email address, which Steward needs to know who you are.",
  EmailNotVerified: "Your identity provider has not verified your email address. Verify it there, then sign in again.",
  Configuration: "Sign-in is misconfigured on the server. An operator should check the logs.",
  OAuthCallbackError: "Sign-in with your identity provider did not complete (it was cancelled or refused). Try again.",
  CallbackRouteError: "Sign-in with your identity provider did not complete. Try again.",
};

type Props = { searchParams: Promise<Record<string, string | string[] | undefined>> };

export default async function SignInPage({ searchParams }: Props) {
  await connection();
  const params = await searchParams;
  const callbackUrl = safeCallbackUrl(params.callbackUrl);
  if (await currentActor()) redirect(callbackUrl);

  const demo = isDemoMode();
  const oidc = oidcConfig();
  const error = typeof params.error === "string" ? (ERRORS[params.error] ?? ERRORS.CredentialsSignin) : null;
  const present = demo
    ? await getDb()
        .select({ email: users.email, status: users.status })
        .from(users)
        .where(
          inArray(
            users.email,
            PERSONAS.map((p) => p.email),
          ),
        )
    : [];
  const personas = PERSONAS.filter((p) => present.some((u) => u.email === p.email && u.status === "active"));

  return (
    <main className="mx-auto flex min-h-screen max-w-md flex-col justify-center px-4 py-10">
      <h1 className="text-2xl font-semibold text-brand-800">Sign in to Steward</h1>
      <p className="mt-1 text-sm text-slate-600">Owners, approvers, reviewers and auditors of non-human identities.</p>

      {params.signedOut ? (
        <p role="status" className="mt-4 rounded-md bg-slate-100 px-3 py-2 text-sm">
          You are signed out.
        </p>
      ) : null}
      {error ? (
        <p role="alert" className="mt-4 rounded-md bg-red-50 px-3 py-2 text-sm text-red-800 ring-1 ring-red-200">
          {error}
        </p>
      ) : null}

      {oidc ? (
        <form action={oidcSignInAction} className="mt-6">
          <input type="hidden" name="callbackUrl" value={callbackUrl} />
          <Button type="submit" className="w-full">
            Sign in with {oidc.name}
          </Button>
        </form>
      ) : null}

      {demo ? (
        <section aria-labelledby="demo-heading" className="mt-6 rounded-lg border border-slate-200 bg-white p-4">
          <h2 id="demo-heading" className="font-medium">
            Demo personas
          </h2>
          <p className="mt-1 text-sm text-slate-600">Demo mode: sign in as a seeded person with one click.</p>
          {personas.length === 0 ? (
            <p className="mt-3 text-sm">
              No demo data yet: run <code className="font-mono">npx steward db seed</code>.
            </p>
          ) : (
            <ul className="mt-3 space-y-2">
              {personas.map((p) => (
                <li key={p.email}>
                  <form action={demoSignInAction}>
                    <input type="hidden" name="email" value={p.email} />
                    <input type="hidden" name="callbackUrl" value={callbackUrl} />
                    <Button type="submit" variant="secondary" className="w-full justify-between">
                      <span>Sign in as {p.name}</span>
                      <span className="text-xs text-slate-600">{p.roles.join(", ")}</span>
                    </Button>
                  </form>
                </li>
              ))}
            </ul>
          )}
        </section>
      ) : null}

      {!oidc && !demo ? (
        <section
          role="alert"
          className="mt-6 rounded-lg border border-amber-300 bg-amber-50 p-4 text-sm text-amber-950"
        >
          <h2 className="font-medium">No sign-in method is configured</h2>
          <p className="mt-2">
            Steward is running on {databaseKind() === "postgres" ? "a PostgreSQL server" : "its embedded database"} with
            demo mode off, so people sign in through your OpenID Connect provider. Set these environment variables and
            restart:
          </p>
          <ul className="mt-2 list-disc pl-5 font-mono text-xs">
            <li>AUTH_OIDC_ISSUER — the issuer URL, e.g. https://login.example.com/realms/main</li>
            <li>AUTH_OIDC_CLIENT_ID and AUTH_OIDC_CLIENT_SECRET</li>
            <li>STEWARD_ADMIN_EMAILS — who becomes admin on first sign-in</li>
          </ul>
          <p className="mt-2">
            Register the redirect URL <code className="font-mono">/api/auth/callback/oidc</code> on this host with the
            provider. See the README.
          </p>
        </section>
      ) : null}
    </main>
  );
}
