import { listAuditEventsRoute } from "@/lib/api";

export function GET(request: Request) {
  return listAuditEventsRoute(request);
}
