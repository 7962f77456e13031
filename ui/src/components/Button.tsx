import { Button as AriaButton, type ButtonProps as AriaButtonProps } from "react-aria-components";

export type ButtonVariant = "primary" | "secondary" | "danger" | "ghost";

export interface ButtonProps extends Omit<AriaButtonProps, "className"> {
  variant?: ButtonVariant;
  className?: string;
}

/** The one button: React Aria handles press, keyboard and focus; variants only change colour. */
export function Button({ variant = "secondary", className, ...props }: ButtonProps) {
  const classes = ["button", variant === "secondary" ? "" : `button--${variant}`, className ?? ""];
  return <AriaButton {...props} className={classes.filter(Boolean).join(" ")} />;
}
