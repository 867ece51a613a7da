import { useState, type ChangeEvent } from "react";

type TextControl = HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement;

/**
 * A control's value held by the component: React resets uncontrolled fields after a form action,
 * and a form must keep what the person typed when the server refuses it. Spread it on the control:
 * `const reason = useKeptValue(); <Textarea {...reason} />`.
 */
export function useKeptValue(initial = "") {
  const [value, setValue] = useState(initial);
  return { value, onChange: (e: ChangeEvent<TextControl>) => setValue(e.target.value) };
}
