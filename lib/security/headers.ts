// The security headers every response carries, built per request by proxy.ts. Pure functions
// (no Next.js, no database) so the proxy stays cheap and the rules are tested on their own.

/** A fresh, unguessable CSP nonce: 16 random bytes, base64. One per request, never reused. */
export function newNonce(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return btoa(String.fromCharCode(...bytes));
}

/**
 * Whether the visitor reached us over https. AUTH_URL, when set, is the public URL and wins (it is
 * also what Auth.js follows when it chooses `__Secure-` cookies); otherwise the request's own
 * protocol as a TLS-terminating proxy reports it in X-Forwarded-Proto. Plain http (localhost)
 * must get neither HSTS nor Secure cookies, or sign-in breaks there.
 */
export function servedOverHttps(
  forwardedProto: string | null | undefined,
  authUrl: string | null | undefined,
): boolean {
  if (authUrl) {
    try {
      return new URL(authUrl).protocol === "https:";
    } catch {
      // An unparseable AUTH_URL breaks Auth.js anyway; judge by the request instead.
    }
  }
  const first = (forwardedProto ?? "").split(",")[0] ?? "";
  return first.trim().toLowerCase() === "https";
}

export type HeaderOptions = {
  nonce: string;
  https: boolean;
  /** `next dev` only: React rebuilds server error stacks with eval there. Never in production. */
  dev?: boolean;
  /**
   * Origins a sign-in form may end up at: a form posted before the page hydrates is a native
   * form submission, and Chromium applies form-action to its redirect to the identity provider.
   */
  formTargets?: string[];
};

/** Browser features Steward never uses: denied to the page and anything it could embed. */
const DENIED_FEATURES = [
  "accelerometer",
  "autoplay",
  "camera",
  "display-capture",
  "geolocation",
  "gyroscope",
  "hid",
  "magnetometer",
  "microphone",
  "midi",
  "payment",
  "publickey-credentials-get",
  "screen-wake-lock",
  "serial",
  "usb",
  "xr-spatial-tracking",
];

export function contentSecurityPolicy({ nonce, https, dev = false, formTargets = [] }: HeaderOptions): string {
  const directives = [
    "default-src 'self'",
    // 'strict-dynamic': scripts the nonced Next.js runtime loads are trusted; nothing else runs.
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${dev ? " 'unsafe-eval'" : ""}`,
    // Tailwind's stylesheet comes from 'self', and Next.js nonces whatever it inlines. So no
    // 'unsafe-inline': an inline style attribute (style={…}) is refused, so style by class.
    `style-src 'self' 'nonce-${nonce}'`,
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
    ["form-action 'self'", ...formTargets].join(" "),
    ...(https ? ["upgrade-insecure-requests"] : []),
  ];
  return directives.join("; ");
}

/** The full header set for one response. */
export function securityHeaders(
  options: HeaderOptions,
): { "Content-Security-Policy": string } & Record<string, string> {
  return {
    "Content-Security-Policy": contentSecurityPolicy(options),
    "X-Content-Type-Options": "nosniff",
    // Not no-referrer: that makes browsers send `Origin: null` on same-origin POSTs, which
    // Next.js's server-action origin check (rightly) refuses.
    "Referrer-Policy": "same-origin",
    "Permissions-Policy": DENIED_FEATURES.map((f) => `${f}=()`).join(", "),
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
    ...(options.https ? { "Strict-Transport-Security": "max-age=63072000; includeSubDomains" } : {}),
  };
}

/** Headers for static files (scripts, styles, fonts, icons): no document, so no CSP or nonce. */
export const STATIC_HEADERS: Record<string, string> = {
  "X-Content-Type-Options": "nosniff",
  "Referrer-Policy": "same-origin",
};

/** The origin of a URL, or nothing when it is missing or malformed. */
export function originOf(url: string | undefined): string[] {
  if (!url) return [];
  try {
    return [new URL(url).origin];
  } catch {
    return [];
  }
}
