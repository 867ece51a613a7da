/**
 * Where to go after signing in: only a path on this site. Anything else becomes "/".
 *
 * Browsers read `/\evil.example` as `//evil.example` (another host), some servers and proxies
 * decode `%2F` and `%5C` before routing, and tabs and newlines are dropped from URLs, so checking
 * for a leading "/" is not enough. The value is refused unless it, and every decoding of its
 * path, is a plain path that resolves on our own origin. One parser for the sign-in page, its
 * actions and Auth.js's redirect callback.
 */
export function safeCallbackUrl(value: unknown): string {
  if (typeof value !== "string" || value.length === 0 || value.length > 2048) return "/";
  // Control characters, whitespace and backslashes have no place in a path we produce.
  if (/[\u0000-\u0020\u007f-\u00a0\u2028\u2029\\]/.test(value)) return "/";
  if (!value.startsWith("/") || value.startsWith("//")) return "/";

  // The path, decoded as a server might (repeatedly), must still be a single-slash path.
  let path = value.split(/[?#]/, 1)[0]!;
  for (let i = 0; i < 3; i++) {
    let decoded: string;
    try {
      decoded = decodeURIComponent(path);
    } catch {
      return "/";
    }
    if (
      /[\u0000-\u0020\u007f-\u00a0\u2028\u2029\\]/.test(decoded) ||
      decoded.startsWith("//") ||
      !decoded.startsWith("/")
    )
      return "/";
    if (decoded === path) break;
    path = decoded;
  }

  const base = "http://steward.invalid";
  let url: URL;
  try {
    url = new URL(value, base);
  } catch {
    return "/";
  }
  if (url.origin !== base) return "/";
  // Resolving dot segments can make a path protocol-relative again (`/.//evil`, `/a/..//evil`).
  if (url.pathname.startsWith("//")) return "/";
  return `${url.pathname}${url.search}${url.hash}`;
}

/**
 * Auth.js's redirect callback: its own absolute URLs on this origin are reduced to their path and
 * checked like any other; everything else goes home.
 */
export function safeRedirect(url: string, baseUrl: string): string {
  let path = url;
  if (!url.startsWith("/")) {
    try {
      const parsed = new URL(url);
      if (parsed.origin !== new URL(baseUrl).origin) return baseUrl;
      path = `${parsed.pathname}${parsed.search}${parsed.hash}`;
    } catch {
      return baseUrl;
    }
  }
  return `${new URL(baseUrl).origin}${safeCallbackUrl(path)}`;
}
