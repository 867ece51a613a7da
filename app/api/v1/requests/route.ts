import { createRequestRoute, listRequestsRoute } from "@/lib/api";

export function GET(request: Request) {
  return listRequestsRoute(request);
}
export function POST(request: Request) {
  return createRequestRoute(request);
}
