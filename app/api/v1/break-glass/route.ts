import { requestBreakGlassRoute } from "@/lib/api";

export function POST(request: Request) {
  return requestBreakGlassRoute(request);
}
