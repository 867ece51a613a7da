"use client";

import type { ColumnDef, ColumnMeta, RowSelectionState } from "@tanstack/react-table";
import { useActionState, useState, type ReactNode } from "react";
import type { ActionResult } from "@/lib/action";
import { Badge, type BadgeTone } from "./badge";
import { SortHeader, type SortLink } from "./sort-header";

/**
 * The parts the server-paged lists' tables share (inventory, request queue): the selection
 * column, a header that is a sort link where the URL can sort by it, and a row's link with a badge.
 */

/**
 * A page's row selection: the rows `canSelect` allows, the selection state for the table and the
 * selected ids still on the page (a new page drops the ones it no longer shows).
 */
function useRowSelection<T extends { id: string }>(rows: T[], canSelect: (row: T) => boolean) {
  const [selection, setSelection] = useState<RowSelectionState>({});
  const selectable = rows.filter(canSelect);
  const selectedIds = Object.keys(selection).filter(
    (id) => selection[id] && rows.some((r) => r.id === id && canSelect(r)),
  );
  return { selection, setSelection, selectable, selectedIds };
}

/** A checkbox column: "select all" over the page's selectable rows, one box per selectable row. */
function selectColumn<T extends { id: string }>({
  selectable,
  selection,
  setSelection,
  allLabel,
  rowLabel,
  meta,
}: {
  selectable: T[];
  selection: RowSelectionState;
  setSelection: (next: RowSelectionState) => void;
  allLabel: string;
  rowLabel: (row: T) => string;
  meta?: ColumnMeta<T, unknown>;
}): ColumnDef<T, unknown> {
  return {
    id: "select",
    meta,
    header: () =>
      selectable.length ? (
        <input
          type="checkbox"
          aria-label={allLabel}
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
          aria-label={rowLabel(row.original)}
          checked={row.getIsSelected()}
          onChange={row.getToggleSelectedHandler()}
        />
      ) : null,
  };
}

/**
 * A server-paged table whose rows may be selected for a bulk action and sorted by their headers'
 * links: the selection, the select column, the header builder and the DataTable's props, together.
 * `sortKey` maps a column id to the sort it shows (aria-sort).
 */
export function useSelectableTable<T extends { id: string }>(
  rows: T[],
  canSelect: (row: T) => boolean,
  sortLinks: Record<string, SortLink>,
  sortKey?: (columnId: string) => string,
) {
  const { selection, setSelection, selectable, selectedIds } = useRowSelection(rows, canSelect);
  return {
    selectable,
    selectedIds,
    header: sortableHeader(sortLinks),
    selectColumn: (labels: { allLabel: string; rowLabel: (row: T) => string; meta?: ColumnMeta<T, unknown> }) =>
      selectColumn({ selectable, selection, setSelection, ...labels }),
    tableProps: {
      data: rows,
      rowKey: (r: T) => r.id,
      headerProps: ariaSort(sortLinks, sortKey),
      rowSelection: selection,
      onRowSelectionChange: setSelection,
      canSelectRow: canSelect,
    },
  };
}

/** A column header: the sort link when the list sorts by `key`, else its plain label. */
export function sortableHeader(sortLinks: Record<string, SortLink>) {
  return function header(key: string, label: string): ReactNode {
    return sortLinks[key] ? <SortHeader link={sortLinks[key]} /> : label;
  };
}

/** aria-sort for the header of the sorted column (`key` maps a column id to its sort key). */
export const ariaSort =
  (sortLinks: Record<string, SortLink>, key: (columnId: string) => string = (id) => id) =>
  (columnId: string) => {
    const direction = sortLinks[key(columnId)]?.direction;
    return direction ? { "aria-sort": direction } : {};
  };

/** A row's main link (a plain anchor: a page holds hundreds), with a badge after it when `badge` is given. */
export function RowLink({
  href,
  children,
  badge,
}: {
  href: string;
  children: ReactNode;
  badge?: { tone: BadgeTone; label: string } | null;
}) {
  return (
    <>
      <a href={href} className="font-medium text-brand-700 underline-offset-2 hover:underline">
        {children}
      </a>
      {badge ? <TrailingBadge tone={badge.tone}>{badge.label}</TrailingBadge> : null}
    </>
  );
}

/** A badge after a cell's text (departed, you, past the service level), set off by a space. */
export function TrailingBadge({ tone, children }: { tone: BadgeTone; children: ReactNode }) {
  return (
    <span className="ml-1">
      <Badge tone={tone}>{children}</Badge>
    </span>
  );
}

/** A bulk action's state as BulkBar takes it: `<BulkBar {...attest} … />`. */
export function useBulkAction(run: (state: ActionResult, form: FormData) => Promise<ActionResult>) {
  const [result, action, pending] = useActionState<ActionResult, FormData>(run, null);
  return { result, action, pending };
}
