import type { Ref } from "react";
import { Button as AriaButton, type ButtonProps as AriaButtonProps } from "react-aria-components";

export type ButtonVariant = "primary" | "secondary" | "danger" | "ghost";

export interface ButtonProps extends Omit<AriaButtonProps, "className"> {
  variant?: ButtonVariant;
  className?: string;
  /** To move the focus to it (React 19 passes refs as props). */
  ref?: Ref<HTMLButtonElement>;
}

/** The one button: React Aria handles press, keyboard and focus; variants only change colour. */
export function Button({ variant = "secondary", className, ref, ...props }: ButtonProps) {
  const classes = ["button", variant === "secondary" ? "" : `button--${variant}`, className ?? ""];
  return <AriaButton {...props} ref={ref} className={classes.filter(Boolean).join(" ")} />;
}
