import {
  CheckboxButton,
  CheckboxField,
  CheckboxGroup as AriaCheckboxGroup,
  Label,
  Text,
  type CheckboxFieldProps,
  type CheckboxGroupProps as AriaCheckboxGroupProps,
} from "react-aria-components";
import type { ReactNode } from "react";

/**
 * `default`: a checkbox on its own. `flow`: one of a list of options in a flow (tasks,
 * permissions, keep a copy), its label and sentence aligned to the box.
 */
export type CheckboxVariant = "default" | "flow";

export interface CheckboxProps extends Omit<CheckboxFieldProps, "className" | "children"> {
  children: ReactNode;
  /** A plain sentence under the label: what ticking it means (read with the label). */
  description?: ReactNode;
  variant?: CheckboxVariant;
}

/**
 * The one checkbox: Space toggles it; the label and description are read together. On its own
 * (`isSelected`/`onChange`) or inside a CheckboxGroup (`value`).
 */
export function Checkbox({ children, description, variant = "default", ...props }: CheckboxProps) {
  if (variant === "flow") {
    return (
      <CheckboxField {...props} className="check">
        <CheckboxButton className="check__button">
          <span className="check__box" aria-hidden="true" />
          <span className="check__label">{children}</span>
        </CheckboxButton>
        {description && (
          <Text slot="description" className="check__description">
            {description}
          </Text>
        )}
      </CheckboxField>
    );
  }
  return (
    <CheckboxField {...props} className="checkbox-field">
      <CheckboxButton className="checkbox">
        {({ isSelected, isIndeterminate }) => (
          <>
            <span className="checkbox__box" aria-hidden="true">
              {isIndeterminate ? (
                <svg viewBox="0 0 16 16">
                  <path d="M4 8h8" stroke="currentColor" strokeWidth="2" strokeLinecap="round" />
                </svg>
              ) : isSelected ? (
                <svg viewBox="0 0 16 16">
                  <path d="m3.5 8.5 3 3 6-7" fill="none" stroke="currentColor" strokeWidth="2" strokeLinecap="round" strokeLinejoin="round" />
                </svg>
              ) : null}
            </span>
            <span className="checkbox__label">{children}</span>
          </>
        )}
      </CheckboxButton>
      {description && (
        <Text slot="description" className="checkbox__description">
          {description}
        </Text>
      )}
    </CheckboxField>
  );
}

export interface CheckboxGroupProps extends Omit<AriaCheckboxGroupProps, "className" | "children"> {
  /** Shown above the checkboxes; without it, give the group an `aria-label`. */
  label?: string;
  /** Space between the checkboxes: `sm` for a list, `md` for sections (fieldsets) of them. */
  gap?: "sm" | "md";
  children: ReactNode;
}

/** Several checkboxes that make one value (the ticked values); the label names the group. */
export function CheckboxGroup({ label, gap = "sm", children, ...props }: CheckboxGroupProps) {
  return (
    <AriaCheckboxGroup {...props} className={gap === "sm" ? "stack-sm" : "stack"}>
      {label && <Label className="field__label">{label}</Label>}
      {children}
    </AriaCheckboxGroup>
  );
}
