import {
  FieldError,
  Input,
  Label,
  Text,
  TextField as AriaTextField,
  type TextFieldProps as AriaTextFieldProps,
} from "react-aria-components";

export interface TextFieldProps extends Omit<AriaTextFieldProps, "className" | "children"> {
  label: string;
  description?: string;
  errorMessage?: string;
  placeholder?: string;
  /** Secrets: masked, never autocompleted or spell-checked (spell checkers may send text away). */
  secret?: boolean;
}

/** The one text input: label, help text and error wired for screen readers by React Aria. */
export function TextField({ label, description, errorMessage, placeholder, secret, ...props }: TextFieldProps) {
  return (
    <AriaTextField {...props} className="field" type={secret ? "password" : props.type}>
      <Label className="field__label">{label}</Label>
      <Input
        className="input"
        placeholder={placeholder}
        autoComplete="off"
        spellCheck={secret ? false : undefined}
        autoCorrect="off"
      />
      {description && (
        <Text slot="description" className="field__description">
          {description}
        </Text>
      )}
      <FieldError className="field__error">{errorMessage}</FieldError>
    </AriaTextField>
  );
}
