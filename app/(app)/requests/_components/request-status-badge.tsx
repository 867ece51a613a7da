import { Badge } from "@/components/ui/badge";
import { humanize } from "@/lib/format";

export function RequestStatusBadge({ status }: { status: string }) {
  return (
    <Badge
      tone={status === "pending" ? "info" : status === "fulfilled" ? "good" : status === "denied" ? "bad" : "neutral"}
    >
      {humanize(status)}
    </Badge>
  );
}
