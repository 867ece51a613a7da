"use client";

import {
  flexRender,
  getCoreRowModel,
  useReactTable,
  type Column,
  type ColumnDef,
  type RowData,
  type RowSelectionState,
  type VisibilityState,
} from "@tanstack/react-table";

declare module "@tanstack/react-table" {
  // Merging with TanStack's interface needs its type parameters, used or not.
  // eslint-disable-next-line @typescript-eslint/no-unused-vars
  interface ColumnMeta<TData extends RowData, TValue> {
    /**
     * Keeps the column in view while the table scrolls sideways in its frame: the Tailwind `left-…`
     * offset it sticks at (the widths of the sticky columns before it; give those a fixed width).
     */
    stickyLeft?: string;
    /** Classes for the column's header and cells, e.g. a fixed width. */
    className?: string;
  }
}

/**
 * A sticky cell needs an opaque background or the scrolled cells show through: headers take the
 * header's, cells inherit their row's (which follows hover, selection and highlights). The inset
 * shadow draws the edge, since collapsed borders do not stay with a sticky cell.
 */
function columnClasses<T>(column: Column<T, unknown>, part: "th" | "td"): string {
  const meta = column.columnDef.meta;
  const sticky = meta?.stickyLeft
    ? `sticky z-10 ${meta.stickyLeft} ${part === "th" ? "bg-slate-50" : "bg-inherit"} shadow-[inset_-1px_0_0_var(--color-slate-200)]`
    : "";
  return [sticky, meta?.className ?? ""].filter(Boolean).join(" ");
}

type Props<T> = {
  columns: ColumnDef<T, unknown>[];
  data: T[];
  caption: string;
  empty: string;
  rowKey: (row: T) => string;
  /** Which columns show (from the URL); all when omitted. */
  columnVisibility?: VisibilityState;
  /** Extra attributes for a header cell, e.g. aria-sort for the sorted column. */
  headerProps?: (columnId: string) => React.ThHTMLAttributes<HTMLTableCellElement>;
  rowSelection?: RowSelectionState;
  onRowSelectionChange?: (next: RowSelectionState) => void;
  canSelectRow?: (row: T) => boolean;
  /** Extra classes for a row, e.g. a highlight for one past its service level. */
  rowClassName?: (row: T) => string;
};

/**
 * A TanStack table whose data is already one server-side page: sorting, filtering and paging
 * happen in SQL and live in the URL, so the table renders, hides columns and tracks selection.
 */
export function DataTable<T>({
  columns,
  data,
  caption,
  empty,
  rowKey,
  columnVisibility,
  headerProps,
  rowSelection,
  onRowSelectionChange,
  canSelectRow,
  rowClassName,
}: Props<T>) {
  // The table is rebuilt from props on every render, which is all a server-paged table needs.
  // eslint-disable-next-line react-hooks/incompatible-library
  const table = useReactTable({
    data,
    columns,
    getCoreRowModel: getCoreRowModel(),
    manualPagination: true,
    manualSorting: true,
    manualFiltering: true,
    getRowId: rowKey,
    state: { columnVisibility: columnVisibility ?? {}, rowSelection: rowSelection ?? {} },
    enableRowSelection: canSelectRow ? (row) => canSelectRow(row.original) : false,
    onRowSelectionChange: (updater) => {
      if (!onRowSelectionChange) return;
      onRowSelectionChange(typeof updater === "function" ? updater(rowSelection ?? {}) : updater);
    },
  });
  const visible = table.getVisibleLeafColumns().length;
  // Wider than its place, the table scrolls inside this frame, never the page (sticky columns stay in view).
  return (
    <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white">
      <table className="min-w-full divide-y divide-slate-200 text-sm">
        <caption className="sr-only">{caption}</caption>
        <thead className="bg-slate-50">
          {table.getHeaderGroups().map((group) => (
            <tr key={group.id}>
              {group.headers.map((header) => (
                <th
                  key={header.id}
                  scope="col"
                  className={`px-3 py-2 text-left font-medium whitespace-nowrap text-slate-700 ${columnClasses(header.column, "th")}`}
                  {...headerProps?.(header.column.id)}
                >
                  {header.isPlaceholder ? null : flexRender(header.column.columnDef.header, header.getContext())}
                </th>
              ))}
            </tr>
          ))}
        </thead>
        <tbody className="divide-y divide-slate-100">
          {table.getRowModel().rows.length === 0 ? (
            <tr>
              <td colSpan={visible} className="px-3 py-6 text-center text-slate-600">
                {empty}
              </td>
            </tr>
          ) : (
            table.getRowModel().rows.map((row) => (
              <tr
                key={row.id}
                className={`align-top hover:bg-slate-50 ${row.getIsSelected() ? "bg-brand-50" : rowClassName?.(row.original) || "bg-white"}`}
              >
                {row.getVisibleCells().map((cell) => (
                  <td key={cell.id} className={`px-3 py-2 ${columnClasses(cell.column, "td")}`}>
                    {flexRender(cell.column.columnDef.cell, cell.getContext())}
                  </td>
                ))}
              </tr>
            ))
          )}
        </tbody>
      </table>
    </div>
  );
}
