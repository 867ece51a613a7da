import NextAuth, { CredentialsSignin, type NextAuthConfig } from "next-auth";
import Credentials from "next-auth/providers/credentials";
import { getDb } from "@/db";
import { isDemoMode, oidcConfig } from "@/lib/config";
import { DomainError } from "@/lib/errors";
import { authorizeDemoSignIn, findPersonByEmail, provisionOidcPerson, recordSignIn, recordSignOut } from "./people";
import { authSecret } from "./secret";

class DemoSignInRefused extends CredentialsSignin {
  code = "demo_refused";
}


/** Auth.js configuration, built per request so the secret and providers follow the environment. */
async function config(): Promise<NextAuthConfig> {
  const oidc = oidcConfig();
  const providers: NextAuthConfig["providers"] = [
    // Always registered so that a forged post to it gets a refusal rather than a 404; the
    // refusal itself happens in authorizeDemoSignIn whenever demo mode is off.
    Credentials({
      id: "demo",
      name: "Demo persona",
      credentials: { email: { label: "Email", type: "email" } },
      async authorize(credentials) {
        try {
          return await authorizeDemoSignIn(getDb(), credentials?.email);
        } catch (e) {
          if (e instanceof DomainError) throw new DemoSignInRefused(e.message);
          throw e;
        }
      },
    }),
  ];
  if (oidc) {
    providers.push({
      id: "oidc",
      name: oidc.name,
      type: "oidc",
      issuer: oidc.issuer,
      clientId: oidc.clientId,
      clientSecret: oidc.clientSecret,
      checks: ["pkce", "state", "nonce"],
      authorization: { params: { scope: "openid email profile" } },
    });
  }
  return {
    secret: await authSecret(),
    logger: {
      // A refused persona sign-in is an expected outcome (shown to the visitor), not a server error.
      error(error) {
        if (error.name === "CredentialsSignin" || (error as { type?: string }).type === "CredentialsSignin") return;
        console.error(error);
      },
    },
    trustHost: true,
    session: { strategy: "jwt", maxAge: 12 * 60 * 60 },
    pages: { signIn: "/signin", error: "/signin" },
    providers,
    callbacks: {
      async signIn({ account, profile, user }) {
        if (account?.provider === "demo") return isDemoMode();
        if (account?.provider !== "oidc" || !oidc) return false;
        const email = (profile?.email ?? user.email ?? "").toString();
        if (!email) return "/signin?error=NoEmail";
        if (profile?.email_verified === false) return "/signin?error=EmailNotVerified";
        try {
          await provisionOidcPerson(getDb(), { email, name: (profile?.name as string | undefined) ?? user.name, issuer: oidc.issuer });
          return true;
        } catch (e) {
          if (e instanceof DomainError) return "/signin?error=AccessDenied";
          throw e;
        }
      },
      async jwt({ token, user, account, trigger }) {
        if (trigger === "signIn" && user) {
          const person = account?.provider === "demo" ? { id: user.id!, name: user.name!, email: user.email! } : await findPersonByEmail(getDb(), user.email ?? "");
          if (!person) return null;
          token.personId = person.id;
          token.email = person.email;
          token.name = person.name;
          await recordSignIn(getDb(), person, account?.provider ?? "unknown");
        }
        return token;
      },
      session({ session, token }) {
        session.user.id = String(token.personId ?? "");
        session.user.name = String(token.name ?? "");
        session.user.email = String(token.email ?? "");
        return session;
      },
    },
    events: {
      async signOut(message) {
        const token = "token" in message ? message.token : null;
        if (token?.personId) await recordSignOut(getDb(), String(token.personId), String(token.email ?? ""));
      },
    },
  };
}

export const { handlers, auth, signIn, signOut } = NextAuth(config);
