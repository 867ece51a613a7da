import "server-only";
import NextAuth, { CredentialsSignin, type NextAuthConfig, type Profile } from "next-auth";
import Credentials from "next-auth/providers/credentials";
import { getDb } from "@/db";
import { isDemoMode, oidcConfig } from "@/lib/config";
import { DomainError } from "@/lib/errors";
import { safeRedirect } from "./callback-url";
import {
  authorizeDemoSignIn,
  findPersonByOidcSubject,
  OidcSignInRefused,
  provisionOidcPerson,
  recordSignIn,
  recordSignOut,
  type OidcClaims,
  type SignInPerson,
} from "./people";
import { authSecret } from "./secret";

class DemoSignInRefused extends CredentialsSignin {
  code = "demo_refused";
}

/**
 * The claims of the validated ID token (Auth.js's `profile`). The issuer is the token's `iss`,
 * which Auth.js has checked against the configured issuer's discovery document.
 */
function oidcClaims(profile: Profile, providerAccountId: string, configuredIssuer: string): OidcClaims {
  return {
    issuer: typeof profile.iss === "string" && profile.iss ? profile.iss : configuredIssuer,
    subject: typeof profile.sub === "string" && profile.sub ? profile.sub : providerAccountId,
    email: profile.email,
    emailVerified: profile.email_verified,
    name: profile.name,
  };
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
      async signIn({ account, profile }) {
        if (account?.provider === "demo") return isDemoMode();
        if (account?.provider !== "oidc" || !oidc || !profile) return false;
        try {
          await provisionOidcPerson(getDb(), oidcClaims(profile, account.providerAccountId, oidc.issuer));
          return true;
        } catch (e) {
          if (e instanceof OidcSignInRefused) return `/signin?error=${e.reason}`;
          if (e instanceof DomainError) return "/signin?error=AccessDenied";
          throw e;
        }
      },
      async jwt({ token, user, account, profile, trigger }) {
        if (trigger === "signIn" && user) {
          // The person the signIn callback let in: the demo persona it authorised, or the one the
          // OpenID Connect account is bound to (never looked up by the token's email).
          let person: SignInPerson | null = null;
          if (account?.provider === "demo") person = { id: user.id!, name: user.name!, email: user.email! };
          else if (account?.provider === "oidc" && oidc && profile) {
            const { issuer, subject } = oidcClaims(profile, account.providerAccountId, oidc.issuer);
            person = await findPersonByOidcSubject(getDb(), issuer, subject);
          }
          if (!person) return null;
          token.personId = person.id;
          token.email = person.email;
          token.name = person.name;
          await recordSignIn(getDb(), person, account?.provider ?? "unknown");
        }
        return token;
      },
      redirect({ url, baseUrl }) {
        return safeRedirect(url, baseUrl);
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
