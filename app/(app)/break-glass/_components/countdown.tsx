"use client";

import { useEffect, useState } from "react";

/** Whole seconds left until `until`, worded "1 h 04 min 09 s"; "ended" once it has passed. */
export function left(until: number, at: number): string {
  const s = Math.max(0, Math.floor((until - at) / 1000));
  if (s === 0) return "ending now";
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  const two = (n: number) => String(n).padStart(2, "0");
  return `${h ? `${h} h ` : ""}${h ? two(m) : m} min ${two(sec)} s left`;
}

/**
 * A live countdown to a break-glass's hard end, ticking every second in the browser. The server's
 * rendering shows the same words at the moment it rendered, so the page reads right without script.
 */
export function Countdown({ until, renderedAt }: { until: string; renderedAt: string }) {
  const end = new Date(until).getTime();
  const [at, setAt] = useState(() => new Date(renderedAt).getTime());
  useEffect(() => {
    const timer = setInterval(() => setAt(Date.now()), 1000);
    return () => clearInterval(timer);
  }, []);
  return (
    <span role="timer" aria-live="off" className="font-mono tabular-nums" data-testid="countdown">
      {left(end, at)}
    </span>
  );
}
