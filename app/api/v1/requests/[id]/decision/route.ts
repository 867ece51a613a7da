import { decideRequestRoute } from "@/lib/api";

export function POST(request: Request, ctx: { params: Promise<{ id: string }> }) {
  return decideRequestRoute(request, ctx);
}
