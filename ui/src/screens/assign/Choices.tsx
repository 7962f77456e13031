import type { ReactNode } from "react";
import { CheckboxButton, CheckboxField, RadioButton, RadioField, Text } from "react-aria-components";

/** A radio drawn as a card, with one plain sentence under its label. */
export function Choice({ value, label, description, isDisabled }: { value: string; label: ReactNode; description?: ReactNode; isDisabled?: boolean }) {
  return (
    <RadioField value={value} className="choice" isDisabled={isDisabled}>
      <RadioButton className="choice__button">{label}</RadioButton>
      {description && (
        <Text slot="description" className="choice__description">
          {description}
        </Text>
      )}
    </RadioField>
  );
}

/** A checkbox (inside a CheckboxGroup) with one plain sentence under its label. */
export function Check({ value, label, description, isDisabled }: { value: string; label: ReactNode; description?: ReactNode; isDisabled?: boolean }) {
  return (
    <CheckboxField value={value} className="check" isDisabled={isDisabled}>
      <CheckboxButton className="check__button">
        <span className="check__box" aria-hidden="true" />
        <span className="check__label">{label}</span>
      </CheckboxButton>
      {description && (
        <Text slot="description" className="check__description">
          {description}
        </Text>
      )}
    </CheckboxField>
  );
}
