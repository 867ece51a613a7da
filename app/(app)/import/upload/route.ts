import { getDb } from "@/db";
import { currentActor } from "@/lib/auth";
import { importRequest } from "@/lib/importers";

/** POST /import/upload: the Import page's preview (a dry run) and import. */
export async function POST(request: Request): Promise<Response> {
  return importRequest(getDb(), request, currentActor);
}
