"use client";

import type { ColumnDef } from "@tanstack/react-table";
import { useState } from "react";
import { Badge } from "@/components/ui/badge";
import { BulkBar } from "@/components/ui/bulk-bar";
import { Input } from "@/components/ui/controls";
import { RowLink, TrailingBadge, useBulkAction, useSelectableTable } from "@/components/ui/list-columns";
import type { SortLink } from "@/components/ui/sort-header";
import { DataTable } from "@/components/ui/data-table";
import { humanize, isoDay, relativeTime } from "@/lib/format";
import type { InventoryRow } from "@/lib/identities";
import { DERIVED_STATE_LABELS } from "@/lib/identities/browser";
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
  const attest = useBulkAction(bulkAttestAction);
  const revoke = useBulkAction(bulkRevokeAction);
  const [reason, setReason] = useState("");
  const live = (r: InventoryRow) => ["pending", "active", "suspended"].includes(r.status);
  const mine = (r: InventoryRow) => (r.ownerId === actorId || r.backupOwnerId === actorId) && live(r);
  const selectableRow = (r: InventoryRow) => mine(r) || (security && live(r));
  const { selectable, selectedIds, header, selectColumn, tableProps } = useSelectableTable(
    rows,
    selectableRow,
    sortLinks,
  );

  const columns: ColumnDef<InventoryRow, unknown>[] = [
    selectColumn({
      allLabel: security ? "Select every live identity on this page" : "Select all of your identities on this page",
      rowLabel: (r) => `Select ${r.name}`,
      // The selection and the name stay in view while the table scrolls sideways in its frame.
      meta: { stickyLeft: "left-0", className: "w-10 min-w-10" },
    }),
    {
      id: "name",
      meta: { stickyLeft: "left-10" },
      header: () => header("name", "Name"),
      cell: ({ row }) => (
        <div className="min-w-48">
          <RowLink
            href={`/identities/${row.original.id}`}
            badge={row.original.privileged ? { tone: "warn", label: "privileged" } : null}
          >
            {row.original.name}
          </RowLink>
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
            {row.original.ownerDeparted ? <TrailingBadge tone="bad">departed</TrailingBadge> : null}
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
          {...attest}
          hint="Select identities you own to confirm you still own and need them."
        />
      ) : null}
      {selectable.length || revoke.result ? (
        <BulkBar
          name="Bulk revoke"
          verb="Revoke selected"
          ids={selectedIds}
          {...revoke}
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
        {...tableProps}
        caption="Non-human identities"
        empty="No identities match these filters."
        columnVisibility={columnVisibility}
      />
    </div>
  );
}
