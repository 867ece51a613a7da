import { ingestUsageRoute } from "@/lib/api";

export function POST(request: Request) {
  return ingestUsageRoute(request);
}
