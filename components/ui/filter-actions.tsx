import Link from "next/link";
import { buttonClass } from "./button";

/**
 * A filter form's last row: apply, and clear (the list's own address, no filters). `span` is the
 * row's width in the form's grid at its widest (the grid's column count).
 */
export function FilterActions({ clear, span }: { clear: string; span: "lg:col-span-6" | "lg:col-span-7" }) {
  return (
    <div className={`col-span-2 flex items-end gap-2 md:col-span-4 ${span}`}>
      <button type="submit" className={buttonClass("primary")}>
        Apply filters
      </button>
      <Link href={clear} className={buttonClass("ghost")}>
        Clear
      </Link>
    </div>
  );
}
