import type { CommandError } from "../bindings";
import { fieldMessage } from "../components/Callout";
import { TextField } from "../components/TextField";

export interface SystemUserNameFieldProps {
  label: string;
  description: string;
  value: string;
  onChange: (value: string) => void;
  /** The last error when it is about the name; editing the name clears it. */
  error: CommandError | null;
  onErrorCleared: () => void;
}

/** The name of a system user, as typed when adding or renaming one. */
export function SystemUserNameField({ label, description, value, onChange, error, onErrorCleared }: SystemUserNameFieldProps) {
  return (
    <TextField
      label={label}
      description={description}
      value={value}
      onChange={(next) => {
        onChange(next);
        if (error) onErrorCleared();
      }}
      isRequired
      autoFocus
      isInvalid={error !== null}
      errorMessage={error ? fieldMessage(error) : "Give the system user a name."}
    />
  );
}
