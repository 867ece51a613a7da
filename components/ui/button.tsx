import type { ButtonHTMLAttributes, ReactNode } from "react";

const VARIANTS = {
  primary: "bg-brand-600 text-white hover:bg-brand-700 disabled:bg-slate-400",
  secondary: "border border-slate-300 bg-white text-slate-800 hover:bg-slate-100 disabled:text-slate-400",
  ghost: "text-slate-700 hover:bg-slate-100",
  danger: "bg-red-700 text-white hover:bg-red-800",
} as const;

export function buttonClass(variant: keyof typeof VARIANTS = "primary", extra = ""): string {
  return `inline-flex items-center justify-center gap-2 rounded-md px-3 py-2 text-sm font-medium transition-colors disabled:cursor-not-allowed ${VARIANTS[variant]} ${extra}`;
}

export function Button({
  variant = "primary",
  className = "",
  ...props
}: ButtonHTMLAttributes<HTMLButtonElement> & { variant?: keyof typeof VARIANTS }) {
  return <button className={buttonClass(variant, className)} {...props} />;
}

export type Choice = readonly [value: string, label: string, variant?: keyof typeof VARIANTS];

/**
 * A form's decision as submit buttons sharing one field `name`: the server reads which was pressed
 * (`decision=approve`). `children` stand after them (a button that opens more of the form).
 */
export function SubmitChoices({
  name,
  choices,
  disabled,
  children,
}: {
  name: string;
  choices: readonly Choice[];
  disabled?: boolean;
  children?: ReactNode;
}) {
  return (
    <div className="flex flex-wrap gap-2">
      {choices.map(([value, label, variant]) => (
        <Button key={value} type="submit" name={name} value={value} variant={variant} disabled={disabled}>
          {label}
        </Button>
      ))}
      {children}
    </div>
  );
}
