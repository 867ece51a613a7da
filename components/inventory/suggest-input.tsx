"use client";

import { useEffect, useRef, useState } from "react";
import { Input } from "@/components/ui/controls";
import { Field } from "@/components/ui/field";

type Suggestion = { value: string; label: string };

/**
 * A text field that suggests values from the server as the user types (a native datalist, so
 * keyboard and screen readers work as with any input). It submits what is typed; the server
 * accepts names and emails as well as ids.
 */
export function SuggestInput({
  id,
  name,
  label,
  kind,
  defaultValue,
  placeholder,
  fixed = [],
  error,
}: {
  id: string;
  name: string;
  label: string;
  kind: "team" | "person";
  defaultValue: string;
  placeholder?: string;
  fixed?: Suggestion[];
  error?: string;
}) {
  const [value, setValue] = useState(defaultValue);
  const [options, setOptions] = useState<Suggestion[]>([]);
  const latest = useRef(0);

  useEffect(() => {
    const q = value.trim();
    if (q.length === 0) return;
    const ticket = ++latest.current;
    const timer = setTimeout(async () => {
      try {
        const res = await fetch(`/identities/suggest?kind=${kind}&q=${encodeURIComponent(q)}`);
        // Only the answer to the latest keystroke counts.
        if (res.ok && ticket === latest.current) setOptions((await res.json()) as Suggestion[]);
      } catch {
        // Suggestions are a convenience: typing the full value still works.
      }
    }, 150);
    return () => clearTimeout(timer);
  }, [value, kind]);

  const listId = `${id}-suggestions`;
  return (
    <Field id={id} label={label} error={error}>
      {(aria) => (
        <>
          <Input
            {...aria}
            name={name}
            type="search"
            list={listId}
            autoComplete="off"
            value={value}
            placeholder={placeholder}
            onChange={(e) => setValue(e.target.value)}
          />
          <datalist id={listId}>
            {[...fixed, ...options].map((o) => (
              <option key={o.value} value={o.value}>
                {o.label}
              </option>
            ))}
          </datalist>
        </>
      )}
    </Field>
  );
}
