import { useState } from "react";
import { useBackend } from "../backend/context";
import type { CommandError, SystemUserSummary } from "../bindings";
import { ErrorCallout } from "../components/Callout";
import { Dialog, DialogForm, SubmitActions } from "../components/Dialog";
import { SystemUserNameField } from "./SystemUserNameField";

export interface RenameSystemUserDialogProps {
  /** The system user to rename; the dialog is open while this is set. */
  user: SystemUserSummary | null;
  onClose: () => void;
  onRenamed: (user: SystemUserSummary, newName: string) => void;
}

export function RenameSystemUserDialog({ user, onClose, onRenamed }: RenameSystemUserDialogProps) {
  // Lifted here so the dialog cannot be dismissed while a rename is on its way.
  const [pending, setPending] = useState(false);
  return (
    <Dialog
      title={user ? `Rename “${user.name}”` : "Rename"}
      isOpen={user !== null}
      isDismissable={!pending}
      onOpenChange={(open) => {
        if (!open && !pending) onClose();
      }}
    >
      {/* Keyed by user so each opening starts from that user's current name. */}
      {user && (
        <RenameForm
          key={user.id}
          user={user}
          pending={pending}
          setPending={setPending}
          onClose={onClose}
          onRenamed={onRenamed}
        />
      )}
    </Dialog>
  );
}

interface RenameFormProps extends Omit<RenameSystemUserDialogProps, "user"> {
  user: SystemUserSummary;
  pending: boolean;
  setPending: (pending: boolean) => void;
}

function RenameForm({ user, pending, setPending, onClose, onRenamed }: RenameFormProps) {
  const backend = useBackend();
  const [name, setName] = useState(user.name);
  const [error, setError] = useState<CommandError | null>(null);

  const submit = async () => {
    if (pending) return;
    setPending(true);
    setError(null);
    const result = await backend.renameSystemUser(user.id, name);
    setPending(false);
    if (result.status === "error") {
      setError(result.error);
      return;
    }
    onRenamed(user, name.trim());
    onClose();
  };

  const nameError = error?.field === "name" ? error : null;
  return (
    <DialogForm onSubmit={() => void submit()}>
      <SystemUserNameField
        label="New name"
        description="Integrations keep working: tokens belong to the system user, not to its name."
        value={name}
        onChange={setName}
        error={nameError}
        onErrorCleared={() => setError(null)}
      />
      {error && !nameError && <ErrorCallout error={error} title="The name was not changed" />}
      <SubmitActions pending={pending} label="Save name" pendingLabel="Saving…" />
    </DialogForm>
  );
}
