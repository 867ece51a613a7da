/**
 * Whether a state-changing request was sent by one of Steward's own pages, not by another site
 * riding on the person's session cookie (CSRF). Browsers say where a request comes from in
 * `Sec-Fetch-Site`; where they do not, `Origin` must name this host (as the browser reached it:
 * `X-Forwarded-Host` behind a proxy, else `Host`, or AUTH_URL's host). A request that carries
 * neither is refused: every browser sends `Origin` with a POST, so only scripts lack both, and
 * they have no business on cookie-authenticated endpoints. Next's server actions get the same
 * check from Next itself; route handlers that change state call this.
 */
export function isSameOriginRequest(headers: Headers, publicUrl = process.env.AUTH_URL): boolean {
  const site = headers.get("sec-fetch-site");
  if (site) return site === "same-origin";
  const origin = headers.get("origin");
  if (!origin || origin === "null") return false;
  let originHost: string;
  try {
    originHost = new URL(origin).host;
  } catch {
    return false;
  }
  const hosts = [headers.get("x-forwarded-host")?.split(",")[0]?.trim(), headers.get("host"), hostOf(publicUrl)];
  return hosts.some((h) => h && h.toLowerCase() === originHost.toLowerCase());
}

function hostOf(url: string | undefined): string | undefined {
  try {
    return url ? new URL(url).host : undefined;
  } catch {
    return undefined;
  }
}
