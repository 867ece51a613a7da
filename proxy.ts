import { NextResponse, type NextRequest } from "next/server";

// The proxy only sends anonymous visitors to sign-in. It decides nothing else: every page and
// action resolves the actor and checks it in lib/<domain> (a cookie here proves nothing).
const SESSION_COOKIES = ["authjs.session-token", "__Secure-authjs.session-token"];

export function proxy(request: NextRequest) {
  const hasSession = SESSION_COOKIES.some((name) => request.cookies.has(name));
  if (hasSession) return NextResponse.next();
  const url = request.nextUrl.clone();
  url.pathname = "/signin";
  url.search = "";
  const back = request.nextUrl.pathname + request.nextUrl.search;
  if (back !== "/") url.searchParams.set("callbackUrl", back);
  return NextResponse.redirect(url);
}

export const config = {
  // Everything except sign-in, auth endpoints, health, and static assets.
  matcher: ["/((?!signin|api/auth|api/health|api/v1/connectors|_next/static|_next/image|favicon.ico|icon.svg).*)"],
};
