import type { InputHTMLAttributes, ReactNode, SelectHTMLAttributes, TextareaHTMLAttributes } from "react";
import { Input, Select, Textarea, type Options } from "./controls";

export type FieldErrors = Record<string, string[]>;

/**
 * The messages for one field (or several that land on the same control) from anything that may
 * carry per-field errors: an action's result, a form's state, a DomainError. One line of text,
 * or undefined when there is nothing to say.
 */
export function fieldError(
  source: { fieldErrors?: FieldErrors } | { ok: true } | null | undefined,
  ...names: string[]
): string | undefined {
  const errors = source && "fieldErrors" in source ? source.fieldErrors : undefined;
  const messages = names.flatMap((name) => errors?.[name] ?? []);
  return messages.length ? messages.join(" ") : undefined;
}

/**
 * The props a form's fields share, read from one place: `fields("ownerId", "ownerEmail")` gives the
 * id (idPrefix + key), the name (the key unless given), the error filed under the key, the value
 * the form shows again (`value(name)`), the controls' class and the layout. A later prop overrides
 * any of them.
 */
export function formFields({
  errors,
  value,
  idPrefix = "",
  className,
  layout,
}: {
  errors: Parameters<typeof fieldError>[0];
  value?: (name: string) => string;
  idPrefix?: string;
  className?: string;
  layout?: FieldProps["layout"];
}) {
  return (key: string, name = key) => ({
    id: `${idPrefix}${key}`,
    name,
    error: fieldError(errors, key),
    ...(value ? { defaultValue: value(name) } : {}),
    ...(className ? { className } : {}),
    ...(layout ? { layout } : {}),
  });
}

export type FormFields = ReturnType<typeof formFields>;

/** What a control needs to be tied to its label, its error and its description. */
export type ControlAria = {
  id: string;
  "aria-invalid"?: true;
  "aria-describedby"?: string;
};

type FieldProps = {
  id: string;
  label: ReactNode;
  /** The field's error message, as read by fieldError(). */
  error?: string;
  description?: ReactNode;
  /**
   * "stack" (the default) is a column of its own, for a grid of filters; "flow" puts the label, the
   * control and the messages straight into the form's own spacing (a form in a panel).
   */
  layout?: "stack" | "flow";
};

/**
 * A label, its control, a description and the error. The control is given its id and the aria that
 * points a screen reader at the messages: `{(aria) => <Input {...aria} name="q" />}`.
 */
export function Field({
  id,
  label,
  error,
  description,
  layout = "stack",
  children,
}: FieldProps & { children: (aria: ControlAria) => ReactNode }) {
  const errorId = `${id}-error`;
  const descriptionId = `${id}-description`;
  const describedBy = [description ? descriptionId : "", error ? errorId : ""].filter(Boolean).join(" ");
  const aria: ControlAria = {
    id,
    ...(error ? { "aria-invalid": true as const } : {}),
    ...(describedBy ? { "aria-describedby": describedBy } : {}),
  };
  const parts = (
    <>
      <label htmlFor={id} className={layout === "flow" ? "block text-sm font-medium" : "font-medium"}>
        {label}
      </label>
      {description ? (
        <p id={descriptionId} className="text-xs text-slate-600">
          {description}
        </p>
      ) : null}
      {children(aria)}
      <FieldError id={id} error={error} />
    </>
  );
  return layout === "flow" ? parts : <div className="flex flex-col gap-1 text-sm">{parts}</div>;
}

/** The error under a field, with the id its control (or fieldset) names in aria-describedby. */
export function FieldError({ id, error }: { id: string; error?: string }) {
  return error ? (
    <p id={`${id}-error`} className="text-xs text-red-700">
      {error}
    </p>
  ) : null;
}

/**
 * A control bound into a Field: the field's props (id, label, error, description, layout) go to the
 * Field, every other prop to the control, which is given its id and aria.
 */
function fieldOf<P extends object>(Control: (props: P) => ReactNode) {
  return function ControlField({ id, label, error, description, layout, ...control }: FieldProps & Omit<P, "id">) {
    return (
      <Field id={id} label={label} error={error} description={description} layout={layout}>
        {(aria) => <Control {...(control as unknown as P)} {...aria} />}
      </Field>
    );
  };
}

/** A labelled input: `<InputField id="f-from" label="From" name="from" type="date" error={…} />`. */
export const InputField = fieldOf<InputHTMLAttributes<HTMLInputElement>>(Input);

export const TextareaField = fieldOf<TextareaHTMLAttributes<HTMLTextAreaElement>>(Textarea);

export const SelectField = fieldOf<SelectHTMLAttributes<HTMLSelectElement> & { options: Options; blank?: string }>(
  Select,
);
