/**
 * The one link builder of the lists: `path` with the current view's params and `overrides`, blank
 * values left out. Paging keys (after, before, page) never carry over from the current params:
 * a link that changes a filter, the sort or the tab starts again from the first page; only a
 * pager link names its cursor. Browser-safe.
 */
export type ParamValue = string | number | null | undefined;
export type Params = Record<string, ParamValue> | URLSearchParams;

export const PAGING_KEYS = ["after", "before", "page"] as const;

export function href(path: string, current: Params = {}, overrides: Record<string, ParamValue> = {}): string {
  const entries = current instanceof URLSearchParams ? [...current.entries()] : Object.entries(current);
  const q = new URLSearchParams();
  for (const [k, v] of entries)
    if (!(PAGING_KEYS as readonly string[]).includes(k) && v !== undefined && v !== null && v !== "")
      q.set(k, String(v));
  for (const [k, v] of Object.entries(overrides)) {
    if (v === undefined || v === null || v === "") q.delete(k);
    else q.set(k, String(v));
  }
  return q.size ? `${path}?${q}` : path;
}
