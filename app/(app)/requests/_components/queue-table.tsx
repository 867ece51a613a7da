"use client";

import type { ColumnDef, RowSelectionState } from "@tanstack/react-table";
import { useActionState, useState } from "react";
import { Badge } from "@/components/ui/badge";
import { BulkBar } from "@/components/ui/bulk-bar";
import { DataTable } from "@/components/ui/data-table";
import { SortHeader, type SortLink } from "@/components/ui/sort-header";
import type { ActionResult } from "@/lib/action";
import { humanize, isoDay } from "@/lib/format";
import type { QueueRow } from "@/lib/requests/queue";
import { bulkApproveAction } from "../actions";
import { RequestStatusBadge } from "./request-status-badge";

type Props = { rows: QueueRow[]; sortLinks: Record<string, SortLink>; serviceLevelHours: number; bulk: boolean };

const waited = (h: number) => (h < 48 ? `${h} h` : `${Math.floor(h / 24)} days`);

/**
 * One server-side page of a queue. Sorting lives in the URL (the header links); in "Needs my
 * decision", requests policy marks standard can be selected and approved together.
 */
export function QueueTable({ rows, sortLinks, serviceLevelHours, bulk }: Props) {
  const [selection, setSelection] = useState<RowSelectionState>({});
  const [result, formAction, pending] = useActionState<ActionResult, FormData>(bulkApproveAction, null);
  const approvable = (r: QueueRow) => bulk && r.mine && r.standard;
  const selectable = rows.filter(approvable);
  const selectedIds = Object.keys(selection).filter(
    (id) => selection[id] && rows.some((r) => r.id === id && approvable(r)),
  );
  const late = (r: QueueRow) => r.status === "pending" && r.waitingHours >= serviceLevelHours;
  const header = (key: string, fallback: string) => (sortLinks[key] ? <SortHeader link={sortLinks[key]} /> : fallback);

  const columns: ColumnDef<QueueRow, unknown>[] = [
    ...(bulk
      ? [
          {
            id: "select",
            header: () =>
              selectable.length ? (
                <input
                  type="checkbox"
                  aria-label="Select every standard request on this page"
                  checked={selectable.every((r) => selection[r.id])}
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
                  aria-label={`Select ${humanize(row.original.type)}${row.original.subject ? `: ${row.original.subject}` : ""}`}
                  checked={row.getIsSelected()}
                  onChange={row.getToggleSelectedHandler()}
                />
              ) : null,
          } satisfies ColumnDef<QueueRow, unknown>,
        ]
      : []),
    {
      id: "request",
      header: () => header("type", "Request"),
      cell: ({ row }) => (
        <span>
          <a
            href={`/requests/${row.original.id}`}
            className="font-medium text-brand-700 underline-offset-2 hover:underline"
          >
            {humanize(row.original.type)}
            {row.original.subject ? `: ${row.original.subject}` : ""}
          </a>
          {row.original.standard && row.original.status === "pending" ? (
            <span className="ml-1">
              <Badge tone="neutral">standard</Badge>
            </span>
          ) : null}
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
          {row.original.mine ? (
            <span className="ml-1">
              <Badge tone="warn">you</Badge>
            </span>
          ) : null}
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
            {late(row.original) ? (
              <span className="ml-1">
                <Badge tone="warn">past {serviceLevelHours} h</Badge>
              </span>
            ) : null}
          </span>
        ) : (
          "—"
        ),
    },
  ];

  return (
    <div className="space-y-2">
      {bulk && (selectable.length || result) ? (
        <BulkBar
          name="Bulk approve"
          verb="Approve selected"
          ids={selectedIds}
          action={formAction}
          pending={pending}
          result={result}
          hint="Only requests policy marks standard (your stage only, nothing privileged) can be approved together."
        />
      ) : null}
      <DataTable
        columns={columns}
        data={rows}
        caption="Requests"
        empty="Nothing here."
        rowKey={(r) => r.id}
        headerProps={(id) => {
          const key = id === "request" ? "type" : id;
          return sortLinks[key]?.direction ? { "aria-sort": sortLinks[key]!.direction! } : {};
        }}
        rowSelection={selection}
        onRowSelectionChange={setSelection}
        canSelectRow={approvable}
        rowClassName={(r) => (late(r) ? "bg-amber-50" : "")}
      />
    </div>
  );
}
