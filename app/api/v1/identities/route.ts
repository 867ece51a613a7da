import { createIdentityRoute, listIdentitiesRoute } from "@/lib/api";

// REST API routes are thin: lib/api authenticates the token and checks the input, lib/<domain> decides.
export function GET(request: Request) {
  return listIdentitiesRoute(request);
}
export function POST(request: Request) {
  return createIdentityRoute(request);
}
