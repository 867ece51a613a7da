import { humanize } from "@/lib/format";
import { Badge } from "./badge";

const TONE: Record<string, "good" | "bad" | "warn" | "info" | "neutral"> = {
  verified: "good",
  failed: "bad",
  executed: "warn",
  executing: "info",
  requested: "info",
};

/** Where a revocation stands; a failure past its last retry says so. */
export function RevocationStatus({ status, gaveUp }: { status: string; gaveUp: boolean }) {
  return (
    <Badge tone={TONE[status] ?? "neutral"}>
      {gaveUp ? "Failed: gave up" : status === "executed" ? "Executed: awaiting confirmation" : humanize(status)}
    </Badge>
  );
}
