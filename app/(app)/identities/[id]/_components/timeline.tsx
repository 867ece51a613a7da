import { isoMinute } from "@/lib/format";

type Event = { seq: number; occurredAt: string; actor: string; action: string; before: unknown; after: unknown };

/** The identity's history from the audit log, newest first. */
export function Timeline({ events }: { events: Event[] }) {
  return (
    <section aria-labelledby="timeline-heading" className="rounded-lg border border-slate-200 bg-white p-4">
      <h2 id="timeline-heading" className="font-semibold">
        Timeline
      </h2>
      {events.length === 0 ? (
        <p className="mt-2 text-sm text-slate-600">No recorded changes yet.</p>
      ) : (
        <ol className="mt-2 space-y-2 text-sm" aria-label="Audit events for this identity">
          {events.map((e) => (
            <li key={e.seq} className="border-l-2 border-brand-600 pl-3">
              <div>
                <span className="font-mono text-xs">{e.action}</span> by {e.actor}
              </div>
              <div className="text-xs text-slate-600">
                <time dateTime={e.occurredAt}>{isoMinute(e.occurredAt)}</time> · event #{e.seq}
              </div>
              {e.before || e.after ? (
                <div className="mt-0.5 font-mono text-xs break-all text-slate-700">
                  {e.before ? <>from {JSON.stringify(e.before)} </> : null}
                  {e.after ? <>to {JSON.stringify(e.after)}</> : null}
                </div>
              ) : null}
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
