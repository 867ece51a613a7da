import type { InputHTMLAttributes, ReactNode, SelectHTMLAttributes, TextareaHTMLAttributes } from "react";

// The controls every form uses, drawn the same way. Sizes (w-full, text-sm, a monospace face) are
// the caller's: a filter grid and a form in a panel lay them out differently.
const CONTROL = "rounded-md border border-slate-300 px-2 py-1.5";

export function controlClass(extra = ""): string {
  return extra ? `${CONTROL} ${extra}` : CONTROL;
}

export function Input({ className, ...props }: InputHTMLAttributes<HTMLInputElement>) {
  return <input className={controlClass(className)} {...props} />;
}

export function Textarea({ className, ...props }: TextareaHTMLAttributes<HTMLTextAreaElement>) {
  return <textarea className={controlClass(className)} {...props} />;
}

/** Pairs of [value, label]. */
export type Options = readonly (readonly [string, ReactNode])[];

/** A select from [value, label] pairs; `blank` adds a first option with the empty value ("Any", "Choose…"). */
export function Select({
  options,
  blank,
  className,
  ...props
}: SelectHTMLAttributes<HTMLSelectElement> & { options: Options; blank?: string }) {
  return (
    <select className={controlClass(className)} {...props}>
      {blank !== undefined ? <option value="">{blank}</option> : null}
      {options.map(([value, label]) => (
        <option key={value} value={value}>
          {label}
        </option>
      ))}
    </select>
  );
}

/** A checkbox inside its own label, so clicking the words ticks it. */
export function Checkbox({
  label,
  className = "inline-flex items-center gap-1.5",
  ...props
}: Omit<InputHTMLAttributes<HTMLInputElement>, "type"> & { label: ReactNode }) {
  return (
    <label className={className}>
      <input type="checkbox" {...props} />
      {label}
    </label>
  );
}
