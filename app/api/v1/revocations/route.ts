import { createRevocationRoute } from "@/lib/api";

export function POST(request: Request) {
  return createRevocationRoute(request);
}
