import { decideReviewItemRoute } from "@/lib/api";

export function POST(request: Request, ctx: { params: Promise<{ id: string }> }) {
  return decideReviewItemRoute(request, ctx);
}
