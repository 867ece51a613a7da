import type { Format, ImportRow, ParseError } from "../types";
import { EMAIL, instant, itemLines, parseJson, row, textOf } from "./common";

// `kubectl get serviceaccounts -A -o json`: a v1 List of ServiceAccount items. Bound to the
// service account's username in the cluster (system:serviceaccount:<namespace>:<name>).
const LEGACY_LAST_USED = "kubernetes.io/legacy-token-last-used";

export const kubernetesServiceAccounts: Format = {
  name: "kubernetes-serviceaccounts",
  label: "Kubernetes service accounts (kubectl get serviceaccounts -A -o json)",
  defaultSystem: "Kubernetes (imported)",
  systemKind: "kubernetes_cluster",
  parse(text) {
    const errors: ParseError[] = [];
    const doc = parseJson(text, errors) as { kind?: unknown; items?: unknown } | undefined;
    if (!doc) return { rows: [], errors };
    if (doc.kind !== "List" || !Array.isArray(doc.items))
      return {
        rows: [],
        errors: [{ line: 1, message: 'Not a kubectl list: expected {"kind": "List", "items": [...]}.' }],
      };
    const lines = itemLines(text, "metadata");
    const rows: ImportRow[] = [];
    doc.items.forEach((item: { kind?: unknown; metadata?: Record<string, unknown> }, i) => {
      const line = lines[i] ?? 1;
      if (item?.kind !== "ServiceAccount" || typeof item.metadata !== "object" || !item.metadata) {
        errors.push({ line, message: `Item ${i + 1} is not a ServiceAccount.` });
        return;
      }
      const m = item.metadata;
      const name = textOf(m.name, line, "metadata.name", errors, 253);
      const ns = textOf(m.namespace, line, "metadata.namespace", errors, 63);
      if (!name || !ns) {
        errors.push({ line, message: `Item ${i + 1} has no name or namespace.` });
        return;
      }
      const annotations = (m.annotations ?? {}) as Record<string, unknown>;
      const labels = (m.labels ?? {}) as Record<string, unknown>;
      // An owner annotation: `owner`, or any `<prefix>/owner`, holding an email.
      const ownerValue = Object.entries(annotations).find(([k]) => k === "owner" || k.endsWith("/owner"))?.[1];
      const owner = textOf(ownerValue, line, "the owner annotation", errors, 320);
      const legacy = labels[LEGACY_LAST_USED];
      rows.push(
        row({
          line,
          externalId: `system:serviceaccount:${ns}:${name}`,
          name: `${ns}/${name}`,
          kind: "workload",
          // Projected tokens are short-lived; a legacy token Secret is a static one.
          credentialType: legacy ? "static_secret" : "short_lived_token",
          createdAt: instant(m.creationTimestamp, line, "metadata.creationTimestamp", errors),
          lastUsedAt: legacy ? instant(legacy, line, LEGACY_LAST_USED, errors) : null,
          ownerEmail: owner && EMAIL.test(owner) ? owner.toLowerCase() : null,
          purpose: textOf(annotations.description ?? annotations["steward.dev/purpose"], line, "description", errors),
        }),
      );
    });
    return { rows, errors };
  },
};
