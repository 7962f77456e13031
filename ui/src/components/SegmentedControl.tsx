import { Label, RadioButton, RadioField, RadioGroup } from "react-aria-components";

export interface SegmentedOption<T extends string> {
  value: T;
  label: string;
}

export interface SegmentedControlProps<T extends string> {
  label: string;
  value: T;
  options: readonly SegmentedOption<T>[];
  onChange: (value: T) => void;
}

/** A small single choice shown as joined buttons; a radio group for keyboards and screen readers. */
export function SegmentedControl<T extends string>({ label, value, options, onChange }: SegmentedControlProps<T>) {
  return (
    <RadioGroup
      className="stack-sm"
      orientation="horizontal"
      value={value}
      onChange={(next) => {
        const option = options.find((o) => o.value === next);
        if (option) onChange(option.value);
      }}
    >
      <Label className="field__label">{label}</Label>
      <div className="segmented">
        {options.map((option) => (
          <RadioField key={option.value} value={option.value} className="segmented__field">
            <RadioButton className="segmented__item">{option.label}</RadioButton>
          </RadioField>
        ))}
      </div>
    </RadioGroup>
  );
}
