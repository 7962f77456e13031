import { useState } from "react";
import { useBackend } from "../backend/context";
import type { CommandError, CreatedSystemUser, NewRole, RoleChoice } from "../bindings";
import { ErrorCallout } from "../components/Callout";
import { Dialog, DialogForm, SubmitActions } from "../components/Dialog";
import { Radio, RadioGroup } from "../components/Radio";
import { SystemUserNameField } from "./SystemUserNameField";


export interface AddSystemUserDialogProps {
  isOpen: boolean;
  /** The roles offered, from the engine (the recommended one first). */
  roles: RoleChoice[];
  onOpenChange: (open: boolean) => void;
  onCreated: (created: CreatedSystemUser) => void;
  /** Called when an error means the list may have changed anyway (a lost answer). */
  onListMayHaveChanged: () => void;
}

/** Name and role of a new system user. What was typed survives an error, so it can be fixed. */
export function AddSystemUserDialog({ isOpen, roles, onOpenChange, onCreated, onListMayHaveChanged }: AddSystemUserDialogProps) {
  const backend = useBackend();
  const [name, setName] = useState("");
  const [role, setRole] = useState<NewRole>("regular");
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<CommandError | null>(null);

  const close = (open: boolean) => {
    if (pending) return;
    if (!open) {
      setError(null);
    }
    onOpenChange(open);
  };

  const submit = async () => {
    if (pending) return;
    setPending(true);
    setError(null);
    const result = await backend.createSystemUser(name, role);
    setPending(false);
    if (result.status === "error") {
      setError(result.error);
      // Some failures leave Meta holding a new system user (a lost answer the engine could not
      // settle): the list is read again after any failure, so what exists is always shown.
      onListMayHaveChanged();
      return;
    }
    setName("");
    setRole("regular");
    onCreated(result.data);
    onOpenChange(false);
  };

  const nameError = error?.field === "name" ? error : null;
  return (
    <Dialog title="Add a system user" isOpen={isOpen} onOpenChange={close} isDismissable={!pending}>
      <DialogForm onSubmit={() => void submit()}>
        <SystemUserNameField
          label="Name"
          description="Name it after its job, such as “Conversions API server”. Everyone in the portfolio sees this name."
          value={name}
          onChange={setName}
          error={nameError}
          onErrorCleared={() => setError(null)}
        />
        <RadioGroup label="Role" value={role} onChange={(value) => setRole(value === "admin" ? "admin" : "regular")}>
          {roles.map((option) => (
            <Radio key={option.role} value={option.role} description={option.description}>
              {option.recommended ? `${option.label} (recommended)` : option.label}
            </Radio>
          ))}
        </RadioGroup>
        {error && !nameError && <ErrorCallout error={error} title="The system user was not added" />}
        <SubmitActions pending={pending} label="Add system user" pendingLabel="Adding…" />
      </DialogForm>
    </Dialog>
  );
}
