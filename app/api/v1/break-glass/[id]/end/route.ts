import { endBreakGlassRoute } from "@/lib/api";

export function POST(request: Request, ctx: { params: Promise<{ id: string }> }) {
  return endBreakGlassRoute(request, ctx);
}
