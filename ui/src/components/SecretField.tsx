import { useState } from "react";
import { FieldError, Group, Input, Label, Text, TextField as AriaTextField } from "react-aria-components";
import { Button } from "./Button";

export interface SecretFieldProps {
  label: string;
  description?: string;
  value: string;
  onChange: (value: string) => void;
  errorMessage?: string;
  isInvalid?: boolean;
  isRequired?: boolean;
  autoFocus?: boolean;
  placeholder?: string;
  name?: string;
}

/**
 * A secret (token, app secret): masked unless the user presses "Show", never autocompleted,
 * spell-checked or remembered by the webview. The value lives only in the caller's state.
 */
export function SecretField({ label, description, value, onChange, errorMessage, isInvalid, isRequired, autoFocus, placeholder, name }: SecretFieldProps) {
  const [shown, setShown] = useState(false);
  return (
    <AriaTextField
      className="field"
      type={shown ? "text" : "password"}
      value={value}
      onChange={onChange}
      isInvalid={isInvalid}
      isRequired={isRequired}
      autoFocus={autoFocus}
      name={name}
    >
      <Label className="field__label">{label}</Label>
      <Group className="secret">
        <Input
          className="input secret__input mono"
          placeholder={placeholder}
          autoComplete="off"
          autoCorrect="off"
          autoCapitalize="off"
          spellCheck={false}
          data-1p-ignore
          data-lpignore="true"
        />
        <Button className="secret__toggle" aria-label={shown ? `Hide ${label}` : `Show ${label}`} onPress={() => setShown((s) => !s)}>
          {shown ? "Hide" : "Show"}
        </Button>
      </Group>
      {description && (
        <Text slot="description" className="field__description">
          {description}
        </Text>
      )}
      <FieldError className="field__error">{errorMessage}</FieldError>
    </AriaTextField>
  );
}
