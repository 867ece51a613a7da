"use client";

import type { ColumnDef } from "@tanstack/react-table";
import { DataTable } from "@/components/ui/data-table";
import type { AuditEventDto } from "@/lib/audit";

const columns: ColumnDef<AuditEventDto, unknown>[] = [
  { accessorKey: "seq", header: "#", cell: (c) => <span className="font-mono">{c.row.original.seq}</span> },
  {
    accessorKey: "occurredAt",
    header: "When (UTC)",
    cell: (c) => (
      <time dateTime={c.row.original.occurredAt} className="whitespace-nowrap">
        {c.row.original.occurredAt.replace("T", " ").slice(0, 19)}
      </time>
    ),
  },
  {
    accessorKey: "actorLabel",
    header: "Actor",
    cell: (c) => (
      <span>
        {c.row.original.actorLabel}
        {c.row.original.actorType !== "person" ? (
          <span className="ml-1 text-xs text-slate-600">({c.row.original.actorType})</span>
        ) : null}
      </span>
    ),
  },
  {
    accessorKey: "action",
    header: "Action",
    cell: (c) => <span className="font-mono text-xs">{c.row.original.action}</span>,
  },
  {
    id: "subject",
    header: "Subject",
    cell: (c) =>
      c.row.original.subjectType ? (
        <span className="font-mono text-xs break-all">
          {c.row.original.subjectType}:{c.row.original.subjectId}
        </span>
      ) : (
        "—"
      ),
  },
  {
    id: "change",
    header: "Change",
    cell: (c) => (
      <div className="max-w-md space-y-1 font-mono text-xs break-all">
        {(["before", "after"] as const).map((side) =>
          c.row.original[side] ? (
            <div key={side}>
              <span className="text-slate-600">{side} </span>
              {c.row.original[side]}
            </div>
          ) : null,
        )}
      </div>
    ),
  },
  {
    accessorKey: "hash",
    header: "Hash",
    cell: (c) => (
      <span className="font-mono text-xs" title={c.row.original.hash}>
        {c.row.original.hash.slice(0, 12)}
      </span>
    ),
  },
];

export function AuditTable({ events }: { events: AuditEventDto[] }) {
  return (
    <DataTable
      columns={columns}
      data={events}
      caption="Audit events"
      empty="No audit events match these filters."
      rowKey={(e) => String(e.seq)}
    />
  );
}
