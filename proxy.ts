import { NextResponse, type NextRequest } from "next/server";
import { refuseUnreadableAction } from "@/lib/http";
import { newNonce, originOf, securityHeaders, servedOverHttps } from "@/lib/security";

// The proxy does two things and decides nothing about authorization: it sends anonymous visitors
// to sign-in (a cookie here proves nothing; every page and action resolves the actor and checks it
// in lib/<domain>), and it puts the security headers on every response (lib/security/headers.ts).
const SESSION_COOKIES = ["authjs.session-token", "__Secure-authjs.session-token"];

// Reachable without a session: sign-in, Auth.js's endpoints, health, and the REST API (bearer
// tokens, checked by lib/api on every call; connector callbacks authenticate by signature).
const PUBLIC_PATHS = /^\/(?:signin|api\/auth|api\/health|api\/v1\/)/;

export async function proxy(request: NextRequest) {
  const nonce = newNonce();
  const headers = securityHeaders({
    nonce,
    https: servedOverHttps(request.headers.get("x-forwarded-proto"), process.env.AUTH_URL),
    dev: process.env.NODE_ENV === "development",
    formTargets: originOf(process.env.AUTH_OIDC_ISSUER),
  });
  const csp = headers["Content-Security-Policy"];

  // A server-action POST Next would answer with a 500 (cross-site, too large, unreadable) gets its 4xx here.
  const refused = await refuseUnreadableAction(request, request.nextUrl.pathname);
  if (refused) {
    for (const [name, value] of Object.entries(headers)) refused.headers.set(name, value);
    return refused;
  }

  let response: NextResponse;
  const hasSession = SESSION_COOKIES.some((name) => request.cookies.has(name));
  if (hasSession || PUBLIC_PATHS.test(request.nextUrl.pathname)) {
    // Next.js reads the nonce from the request's CSP header and puts it on its own scripts.
    const requestHeaders = new Headers(request.headers);
    requestHeaders.set("Content-Security-Policy", csp);
    requestHeaders.set("x-nonce", nonce);
    response = NextResponse.next({ request: { headers: requestHeaders } });
  } else {
    const url = request.nextUrl.clone();
    url.pathname = "/signin";
    url.search = "";
    const back = request.nextUrl.pathname + request.nextUrl.search;
    if (back !== "/") url.searchParams.set("callbackUrl", back);
    response = NextResponse.redirect(url);
  }
  for (const [name, value] of Object.entries(headers)) response.headers.set(name, value);
  return response;
}

export const config = {
  // Everything but the build's static files (hashed scripts, styles, fonts, icons): they are not
  // documents, so next.config.ts gives them fixed headers without running the proxy.
  matcher: ["/((?!_next/static|_next/image|favicon.ico|icon.svg).*)"],
};
