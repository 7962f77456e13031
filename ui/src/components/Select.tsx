import {
  Button,
  Label,
  ListBox,
  ListBoxItem,
  Popover,
  Select as AriaSelect,
  SelectValue,
  Text,
} from "react-aria-components";

export interface SelectOption<T extends string> {
  value: T;
  label: string;
}

export interface SelectProps<T extends string> {
  label: string;
  description?: string;
  value: T;
  options: readonly SelectOption<T>[];
  onChange: (value: T) => void;
}

/** One choice among many in a popover list: arrow keys and type-ahead, Escape closes. */
export function Select<T extends string>({ label, description, value, options, onChange }: SelectProps<T>) {
  return (
    <AriaSelect
      className="field"
      value={value}
      onChange={(key) => {
        const option = options.find((o) => o.value === key);
        if (option) onChange(option.value);
      }}
    >
      <Label className="field__label">{label}</Label>
      <Button className="input select__button">
        <SelectValue className="select__value" />
        <span aria-hidden="true" className="select__chevron">
          ▾
        </span>
      </Button>
      {description && (
        <Text slot="description" className="field__description">
          {description}
        </Text>
      )}
      <Popover className="popover" placement="bottom start">
        <ListBox className="menu" items={options.map((o) => ({ id: o.value, ...o }))}>
          {(option) => (
            <ListBoxItem id={option.id} className="menu__item" textValue={option.label}>
              {option.label}
            </ListBoxItem>
          )}
        </ListBox>
      </Popover>
    </AriaSelect>
  );
}
