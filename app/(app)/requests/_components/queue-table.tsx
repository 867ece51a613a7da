"use client";

import type { ColumnDef } from "@tanstack/react-table";
import { BulkBar } from "@/components/ui/bulk-bar";
import { DataTable } from "@/components/ui/data-table";
import { RowLink, TrailingBadge, useBulkAction, useSelectableTable } from "@/components/ui/list-columns";
import type { SortLink } from "@/components/ui/sort-header";
import { humanize, isoDay } from "@/lib/format";
import type { QueueRow } from "@/lib/requests";
import { bulkApproveAction } from "../actions";
import { RequestStatusBadge } from "./request-status-badge";

type Props = { rows: QueueRow[]; sortLinks: Record<string, SortLink>; serviceLevelHours: number; bulk: boolean };

const waited = (h: number) => (h < 48 ? `${h} h` : `${Math.floor(h / 24)} days`);

/**
 * One server-side page of a queue. Sorting lives in the URL (the header links); in "Needs my
 * decision", requests policy marks standard can be selected and approved together.
 */
export function QueueTable({ rows, sortLinks, serviceLevelHours, bulk }: Props) {
  const approve = useBulkAction(bulkApproveAction);
  const approvable = (r: QueueRow) => bulk && r.mine && r.standard;
  const { selectable, selectedIds, header, selectColumn, tableProps } = useSelectableTable(
    rows,
    approvable,
    sortLinks,
    (id) => (id === "request" ? "type" : id),
  );
  const late = (r: QueueRow) => r.status === "pending" && r.waitingHours >= serviceLevelHours;

  const columns: ColumnDef<QueueRow, unknown>[] = [
    ...(bulk
      ? [
          selectColumn({
            allLabel: "Select every standard request on this page",
            rowLabel: (r) => `Select ${humanize(r.type)}${r.subject ? `: ${r.subject}` : ""}`,
          }),
        ]
      : []),
    {
      id: "request",
      header: () => header("type", "Request"),
      cell: ({ row }) => (
        <span>
          <RowLink
            href={`/requests/${row.original.id}`}
            badge={
              row.original.standard && row.original.status === "pending" ? { tone: "neutral", label: "standard" } : null
            }
          >
            {humanize(row.original.type)}
            {row.original.subject ? `: ${row.original.subject}` : ""}
          </RowLink>
        </span>
      ),
    },
    { id: "requester", header: "Requester", cell: ({ row }) => row.original.requester },
    {
      id: "status",
      header: () => header("status", "Status"),
      cell: ({ row }) => <RequestStatusBadge status={row.original.status} />,
    },
    {
      id: "stage",
      header: "Waiting for",
      cell: ({ row }) => (
        <span className="whitespace-nowrap">
          {row.original.stage
            ? `${row.original.stage === "owner_manager" ? "owner's manager" : row.original.stage} (stage ${row.original.stagePosition} of ${row.original.stages})`
            : "—"}
          {row.original.mine ? <TrailingBadge tone="warn">you</TrailingBadge> : null}
        </span>
      ),
    },
    {
      id: "created",
      header: () => header("created", "Submitted"),
      cell: ({ row }) => (
        <time dateTime={row.original.createdAt} className="whitespace-nowrap">
          {isoDay(row.original.createdAt)}
        </time>
      ),
    },
    {
      id: "waiting",
      header: "Waiting",
      cell: ({ row }) =>
        row.original.status === "pending" ? (
          <span className="whitespace-nowrap">
            {waited(row.original.waitingHours)}
            {late(row.original) ? <TrailingBadge tone="warn">past {serviceLevelHours} h</TrailingBadge> : null}
          </span>
        ) : (
          "—"
        ),
    },
  ];

  return (
    <div className="space-y-2">
      {bulk && (selectable.length || approve.result) ? (
        <BulkBar
          name="Bulk approve"
          verb="Approve selected"
          ids={selectedIds}
          {...approve}
          hint="Only requests policy marks standard (your stage only, nothing privileged) can be approved together."
        />
      ) : null}
      <DataTable
        columns={columns}
        {...tableProps}
        caption="Requests"
        empty="Nothing here."
        rowClassName={(r) => (late(r) ? "bg-amber-50" : "")}
      />
    </div>
  );
}
