import { CheckboxButton, CheckboxField, Text, type CheckboxFieldProps } from "react-aria-components";
import type { ReactNode } from "react";

export interface CheckboxProps extends Omit<CheckboxFieldProps, "className" | "children"> {
  children: ReactNode;
  /** A plain sentence under the label: what ticking it means (read with the label). */
  description?: ReactNode;
}

/** The one checkbox: Space toggles it; the label and description are read together. */
export function Checkbox({ children, description, ...props }: CheckboxProps) {
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
