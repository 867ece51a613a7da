"use client";

import { useEffect, type RefObject } from "react";

const PRESS: Record<string, RegExp> = { c: /^Certify$/, r: /^Revoke$/, a: /^Reassign/ };

/**
 * The reviewer's keys over the cards of `list`: j and k move between them, c, r and a press the
 * focused card's Certify, Revoke and Reassign (which then asks for the new owner). Keys typed into
 * a field, or with a modifier, are left alone.
 */
export function useReviewKeys(list: RefObject<HTMLUListElement | null>) {
  useEffect(() => {
    function onKey(e: KeyboardEvent) {
      if (e.altKey || e.ctrlKey || e.metaKey) return;
      if ((e.target as HTMLElement).closest("input, textarea, select, [contenteditable]")) return;
      const cards = [...(list.current?.querySelectorAll<HTMLElement>(":scope > li") ?? [])];
      const at = cards.findIndex((c) => c.contains(document.activeElement));
      if (e.key === "j" || e.key === "k") {
        const card = cards[Math.max(0, Math.min(cards.length - 1, e.key === "j" ? at + 1 : at - 1))];
        if (!card) return;
        card.focus();
        card.scrollIntoView({ block: "nearest" });
      } else if (PRESS[e.key] && cards[at]) {
        const card = cards[at];
        const button = [...card.querySelectorAll("button")].find((b) => PRESS[e.key]!.test(b.textContent ?? ""));
        if (!button) return;
        button.click();
        if (e.key === "a") setTimeout(() => card.querySelector<HTMLInputElement>('input[type="email"]')?.focus(), 0);
      } else return;
      e.preventDefault();
    }
    document.addEventListener("keydown", onKey);
    return () => document.removeEventListener("keydown", onKey);
  }, [list]);
}
