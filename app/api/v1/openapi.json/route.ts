import { apiDocument } from "@/lib/api";

/** The OpenAPI 3.1 document of /api/v1: public, like any API's description (it holds no data). */
export function GET() {
  return Response.json(apiDocument(), { headers: { "cache-control": "public, max-age=300" } });
}
