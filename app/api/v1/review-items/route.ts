import { listReviewItemsRoute } from "@/lib/api";

export function GET(request: Request) {
  return listReviewItemsRoute(request);
}
