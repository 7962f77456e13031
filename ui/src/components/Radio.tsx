import type { ReactNode } from "react";
import {
  Label,
  RadioButton,
  RadioField,
  RadioGroup as AriaRadioGroup,
  Text,
  type RadioGroupProps as AriaRadioGroupProps,
} from "react-aria-components";

export interface RadioGroupProps extends Omit<AriaRadioGroupProps, "className" | "children"> {
  /** Names the group, above its options. */
  label: string;
  /** `title`: the label heads a panel (the access picker); `field`: an ordinary field label. */
  labelStyle?: "field" | "title";
  /** The options (Radio), and a FieldDescription where it reads best. */
  children: ReactNode;
}

/** One choice among a few: arrow keys move and choose, Tab leaves the group. */
export function RadioGroup({ label, labelStyle = "field", children, ...props }: RadioGroupProps) {
  return (
    <AriaRadioGroup {...props} className="stack-sm">
      <Label className={labelStyle === "title" ? "group-title" : "field__label"}>{label}</Label>
      {children}
    </AriaRadioGroup>
  );
}

export interface RadioProps {
  value: string;
  children: ReactNode;
  /** One plain sentence under the label (read with it). */
  description?: ReactNode;
  isDisabled?: boolean;
}

/** An option of a RadioGroup, drawn as a card. */
export function Radio({ value, children, description, isDisabled }: RadioProps) {
  return (
    <RadioField value={value} className="choice" isDisabled={isDisabled}>
      <RadioButton className="choice__button">{children}</RadioButton>
      {description && (
        <Text slot="description" className="choice__description">
          {description}
        </Text>
      )}
    </RadioField>
  );
}
