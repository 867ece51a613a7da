import { getRevocationRoute } from "@/lib/api";

export function GET(request: Request, ctx: { params: Promise<{ id: string }> }) {
  return getRevocationRoute(request, ctx);
}
