import { getIdentityRoute } from "@/lib/api";

export function GET(request: Request, ctx: { params: Promise<{ id: string }> }) {
  return getIdentityRoute(request, ctx);
}
