import {
  Button as AriaButton,
  FieldError,
  Group,
  Input,
  Label,
  NumberField as AriaNumberField,
  Text,
} from "react-aria-components";

export interface NumberFieldProps {
  label: string;
  description?: string;
  value: number;
  onChange: (value: number) => void;
  minValue: number;
  maxValue: number;
  step?: number;
  /** Shown after the number, e.g. "seconds". */
  unit?: string;
  isDisabled?: boolean;
}

/** A whole number within limits: arrow keys step it, typed values are clamped on blur. */
export function NumberField({ label, description, value, onChange, minValue, maxValue, step = 1, unit, isDisabled }: NumberFieldProps) {
  return (
    <AriaNumberField
      className="field"
      isDisabled={isDisabled}
      value={value}
      onChange={(next) => {
        if (!Number.isNaN(next)) onChange(next);
      }}
      minValue={minValue}
      maxValue={maxValue}
      step={step}
    >
      <Label className="field__label">{label}</Label>
      <div className="row">
        <Group className="number">
          <AriaButton slot="decrement" className="number__step">
            −
          </AriaButton>
          <Input className="input number__input" />
          <AriaButton slot="increment" className="number__step">
            +
          </AriaButton>
        </Group>
        {unit && <span className="muted">{unit}</span>}
      </div>
      {description && (
        <Text slot="description" className="field__description">
          {description}
        </Text>
      )}
      <FieldError className="field__error" />
    </AriaNumberField>
  );
}
