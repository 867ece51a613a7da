"use client";

import type { ColumnDef, RowSelectionState } from "@tanstack/react-table";
import { useActionState, useState } from "react";
import { Badge } from "@/components/ui/badge";
import { BulkBar } from "@/components/ui/bulk-bar";
import { Input } from "@/components/ui/controls";
import { SortHeader, type SortLink } from "@/components/ui/sort-header";
import { DataTable } from "@/components/ui/data-table";
import type { ActionResult } from "@/lib/action";
import { humanize, isoDay, relativeTime } from "@/lib/format";
import type { InventoryRow } from "@/lib/identities/inventory";
import { DERIVED_STATE_LABELS } from "@/lib/identities/derived-states";
import { bulkAttestAction, bulkRevokeAction } from "../actions";
import { RiskBadge, StateBadges, StatusBadge } from "./identity-badges";

type Props = {
  rows: InventoryRow[];
  nowIso: string;
  actorId: string;
  visible: string[];
  sortLinks: Record<string, SortLink>;
  /** Security may revoke any live identity; others revoke their own (the server decides again). */
  security: boolean;
};

// Links inside rows are plain anchors: a page holds up to 600 of them, and next/link would
// render a client component for each and prefetch every one that scrolls into view.
export function InventoryTable({ rows, nowIso, actorId, visible, sortLinks, security }: Props) {
  const [selection, setSelection] = useState<RowSelectionState>({});
  const [result, formAction, pending] = useActionState<ActionResult, FormData>(bulkAttestAction, null);
  const [revoked, revokeAction, revoking] = useActionState<ActionResult, FormData>(bulkRevokeAction, null);
  const [reason, setReason] = useState("");
  const live = (r: InventoryRow) => ["pending", "active", "suspended"].includes(r.status);
  const mine = (r: InventoryRow) => (r.ownerId === actorId || r.backupOwnerId === actorId) && live(r);
  const selectableRow = (r: InventoryRow) => mine(r) || (security && live(r));
  const selectable = rows.filter(selectableRow);
  const selectedIds = Object.keys(selection).filter((id) => selection[id] && rows.some((r) => r.id === id));
  const header = (key: string, fallback: string) => (sortLinks[key] ? <SortHeader link={sortLinks[key]} /> : fallback);

  const columns: ColumnDef<InventoryRow, unknown>[] = [
    {
      id: "select",
      // The selection and the name stay in view while the table scrolls sideways in its frame.
      meta: { stickyLeft: "left-0", className: "w-10 min-w-10" },
      header: () =>
        selectable.length ? (
          <input
            type="checkbox"
            aria-label={
              security ? "Select every live identity on this page" : "Select all of your identities on this page"
            }
            checked={selectable.length > 0 && selectable.every((r) => selection[r.id])}
            onChange={(e) =>
              setSelection(e.target.checked ? Object.fromEntries(selectable.map((r) => [r.id, true])) : {})
            }
          />
        ) : (
          <span className="sr-only">Select</span>
        ),
      cell: ({ row }) =>
        row.getCanSelect() ? (
          <input
            type="checkbox"
            aria-label={`Select ${row.original.name}`}
            checked={row.getIsSelected()}
            onChange={row.getToggleSelectedHandler()}
          />
        ) : null,
    },
    {
      id: "name",
      meta: { stickyLeft: "left-10" },
      header: () => header("name", "Name"),
      cell: ({ row }) => (
        <div className="min-w-48">
          <a
            href={`/identities/${row.original.id}`}
            className="font-medium text-brand-700 underline-offset-2 hover:underline"
          >
            {row.original.name}
          </a>
          {row.original.privileged ? (
            <span className="ml-1">
              <Badge tone="warn">privileged</Badge>
            </span>
          ) : null}
        </div>
      ),
    },
    {
      id: "kind",
      header: "Kind",
      cell: ({ row }) => <span className="whitespace-nowrap">{humanize(row.original.kind)}</span>,
    },
    { id: "system", header: "System", cell: ({ row }) => row.original.systemName },
    { id: "environment", header: "Env", cell: ({ row }) => humanize(row.original.environment) },
    {
      id: "owner",
      header: "Owner",
      cell: ({ row }) =>
        !row.original.ownerName ? (
          <Badge tone="bad">no owner</Badge>
        ) : (
          <span className="whitespace-nowrap">
            <a
              href={`/identities?owner=${row.original.ownerId}`}
              className="underline-offset-2 hover:underline"
              title={`Only ${row.original.ownerName}'s identities`}
            >
              {row.original.ownerName}
            </a>
            {row.original.ownerDeparted ? (
              <span className="ml-1">
                <Badge tone="bad">departed</Badge>
              </span>
            ) : null}
          </span>
        ),
    },
    {
      id: "team",
      header: "Team",
      cell: ({ row }) =>
        row.original.teamId ? (
          <a
            href={`/identities?team=${row.original.teamId}`}
            className="underline-offset-2 hover:underline"
            title={`Only ${row.original.teamName}'s identities`}
          >
            {row.original.teamName}
          </a>
        ) : (
          <span className="text-slate-500">—</span>
        ),
    },
    {
      id: "purpose",
      header: "Purpose",
      cell: ({ row }) =>
        row.original.purpose ? (
          <span className="line-clamp-2 max-w-64">{row.original.purpose}</span>
        ) : (
          <span className="text-slate-500">none stated</span>
        ),
    },
    { id: "status", header: "Status", cell: ({ row }) => <StatusBadge status={row.original.status} /> },
    {
      id: "expires",
      header: () => header("expires", "Expires"),
      cell: ({ row }) =>
        row.original.expiresAt ? (
          <span className="whitespace-nowrap">
            {relativeTime(row.original.expiresAt, nowIso)}
            <time dateTime={row.original.expiresAt} className="block text-xs text-slate-600">
              {isoDay(row.original.expiresAt)}
            </time>
          </span>
        ) : (
          <span className="text-slate-600">never</span>
        ),
    },
    {
      id: "lastUsed",
      header: () => header("lastUsed", "Last used"),
      cell: ({ row }) => (
        <time
          dateTime={row.original.lastUsedAt ?? undefined}
          title={row.original.lastUsedAt ?? "never used"}
          className="whitespace-nowrap"
        >
          {relativeTime(row.original.lastUsedAt, nowIso)}
        </time>
      ),
    },
    {
      id: "risk",
      header: () => header("risk", "Risk"),
      cell: ({ row }) => <RiskBadge score={row.original.riskScore} top={row.original.riskTop} />,
    },
    {
      id: "states",
      header: "Flags",
      cell: ({ row }) => <StateBadges states={row.original.states} labels={DERIVED_STATE_LABELS} />,
    },
  ];

  const columnVisibility = Object.fromEntries(
    columns.map((c) => [c.id!, c.id === "select" || c.id === "name" || visible.includes(c.id!)]),
  );

  return (
    <div className="space-y-2">
      {rows.some(mine) ? (
        <BulkBar
          name="Bulk attest"
          verb="Attest selected"
          ids={selectedIds}
          action={formAction}
          pending={pending}
          result={result}
          hint="Select identities you own to confirm you still own and need them."
        />
      ) : null}
      {selectable.length || revoked ? (
        <BulkBar
          name="Bulk revoke"
          verb="Revoke selected"
          ids={selectedIds}
          action={revokeAction}
          pending={revoking}
          result={revoked}
          danger
          hint="Every credential and entitlement of each, verified in its system."
        >
          <label className="flex items-center gap-2">
            <span className="font-medium">Reason</span>
            <Input name="reason" value={reason} onChange={(e) => setReason(e.target.value)} className="w-64" />
          </label>
        </BulkBar>
      ) : null}
      <DataTable
        columns={columns}
        data={rows}
        caption="Non-human identities"
        empty="No identities match these filters."
        rowKey={(r) => r.id}
        columnVisibility={columnVisibility}
        headerProps={(id) => (sortLinks[id]?.direction ? { "aria-sort": sortLinks[id]!.direction! } : {})}
        rowSelection={selection}
        onRowSelectionChange={setSelection}
        canSelectRow={selectableRow}
      />
    </div>
  );
}
