"use client";

import Link from "next/link";
import { useState } from "react";
import { Button } from "@/components/ui/button";
import { Input, Select } from "@/components/ui/controls";
import { Field } from "@/components/ui/field";
import type { ImportOutcome } from "@/lib/importers";

type Outcome = ImportOutcome;
type Refusal = { error: string; fieldErrors?: Record<string, string[]> };

/** Choose a file and its format, preview what importing it would do, then import it. */
export function ImportForm({ formats }: { formats: { name: string; label: string; defaultSystem: string }[] }) {
  const [format, setFormat] = useState(formats[0]!.name);
  const [system, setSystem] = useState("");
  const [file, setFile] = useState<File | null>(null);
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const [refusal, setRefusal] = useState<Refusal | null>(null);
  const chosen = formats.find((f) => f.name === format)!;

  async function send(dryRun: boolean) {
    if (!file) return setRefusal({ error: "Choose a file." });
    setBusy(true);
    setRefusal(null);
    try {
      const res = await fetch("/import/upload", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ format, system: system.trim() || undefined, dryRun, text: await file.text() }),
      });
      const body = (await res.json()) as Outcome | Refusal;
      if (!res.ok) {
        setOutcome(null);
        setRefusal(body as Refusal);
      } else setOutcome(body as Outcome);
    } catch {
      setRefusal({ error: "The upload failed; try again." });
    } finally {
      setBusy(false);
    }
  }
  const reset = () => {
    setOutcome(null);
    setRefusal(null);
  };

  return (
    <div className="space-y-4">
      <form
        aria-label="Import a file"
        className="grid gap-3 sm:grid-cols-3"
        onSubmit={(e) => {
          e.preventDefault();
          void send(true);
        }}
      >
        <Field id="import-format" label="Format">
          {(aria) => (
            <Select
              {...aria}
              name="format"
              value={format}
              onChange={(e) => (setFormat(e.target.value), reset())}
              options={formats.map((f) => [f.name, f.label])}
            />
          )}
        </Field>
        <Field id="import-system" label={`System (blank: ${chosen.defaultSystem})`}>
          {(aria) => (
            <Input {...aria} name="system" value={system} onChange={(e) => (setSystem(e.target.value), reset())} />
          )}
        </Field>
        <Field id="import-file" label="File">
          {(aria) => (
            <Input
              {...aria}
              type="file"
              name="file"
              onChange={(e) => (setFile(e.target.files?.[0] ?? null), reset())}
            />
          )}
        </Field>
        <div className="sm:col-span-3">
          <Button type="submit" variant="secondary" disabled={busy}>
            Preview
          </Button>
        </div>
      </form>
      {refusal ? (
        <div role="alert" className="rounded border border-red-300 bg-red-50 p-3 text-sm text-red-900">
          <p className="font-medium">{refusal.error}</p>
          <ul className="mt-1 list-disc pl-5">
            {Object.values(refusal.fieldErrors ?? {})
              .flat()
              .map((m) => (
                <li key={m}>{m}</li>
              ))}
          </ul>
        </div>
      ) : null}
      {outcome ? (
        <section
          aria-labelledby="import-outcome"
          className="space-y-2 rounded-lg border border-slate-200 bg-white p-4 text-sm"
        >
          <h2 id="import-outcome" className="font-semibold">
            {outcome.dryRun ? "Preview: nothing written yet" : "Imported"} into {outcome.system}
            {outcome.systemCreated ? " (a new system)" : ""}
          </h2>
          <p role="status">
            {outcome.rows} rows: {outcome.created} {outcome.dryRun ? "to create" : "created"}, {outcome.updated}{" "}
            {outcome.dryRun ? "to update" : "updated"}, {outcome.unchanged} unchanged, {outcome.missing} no longer
            listed (flagged, not deleted), {outcome.orphaned} without an owner.
          </p>
          {outcome.warnings.length ? (
            <ul className="list-disc pl-5 text-amber-900">
              {outcome.warnings.map((w) => (
                <li key={`${w.line}-${w.message}`}>
                  Line {w.line}: {w.message}
                </li>
              ))}
            </ul>
          ) : null}
          {outcome.conflicts.length ? (
            <ul className="list-disc pl-5 text-amber-900">
              {outcome.conflicts.map((c) => (
                <li key={c.line}>
                  Line {c.line}: {c.name} is held by an identity not bound to this account; resolve it by hand.
                </li>
              ))}
            </ul>
          ) : null}
          {outcome.dryRun ? (
            <>
              <table className="text-xs">
                <caption className="sr-only">The first rows and what importing does with each</caption>
                <thead>
                  <tr className="text-left text-slate-600">
                    <th className="pr-3">Line</th>
                    <th className="pr-3">Name</th>
                    <th className="pr-3">Account</th>
                    <th className="pr-3">Import</th>
                    <th>Owner</th>
                  </tr>
                </thead>
                <tbody>
                  {outcome.sample.map((r) => (
                    <tr key={r.line + r.externalId}>
                      <td className="pr-3">{r.line}</td>
                      <td className="pr-3">{r.name}</td>
                      <td className="break-all pr-3 font-mono">{r.externalId}</td>
                      <td className="pr-3">{r.action}</td>
                      <td>{r.owner ?? "none: arrives orphaned"}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
              <Button type="button" disabled={busy} onClick={() => void send(false)}>
                Import {outcome.rows} rows
              </Button>
            </>
          ) : (
            <p>
              <Link className="text-brand-700 underline" href={`/identities?system=${outcome.systemId}`}>
                Open {outcome.system} in the inventory
              </Link>
            </p>
          )}
        </section>
      ) : null}
    </div>
  );
}
