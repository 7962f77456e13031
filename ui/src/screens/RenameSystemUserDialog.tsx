import { useState } from "react";
import { Form } from "react-aria-components";
import { useBackend } from "../backend/context";
import type { CommandError, SystemUserSummary } from "../bindings";
import { Button } from "../components/Button";
import { ErrorCallout } from "../components/Callout";
import { Dialog, DialogActions } from "../components/Dialog";
import { TextField } from "../components/TextField";

export interface RenameSystemUserDialogProps {
  /** The system user to rename; the dialog is open while this is set. */
  user: SystemUserSummary | null;
  onClose: () => void;
  onRenamed: (user: SystemUserSummary, newName: string) => void;
}

export function RenameSystemUserDialog({ user, onClose, onRenamed }: RenameSystemUserDialogProps) {
  return (
    <Dialog
      title={user ? `Rename “${user.name}”` : "Rename"}
      isOpen={user !== null}
      onOpenChange={(open) => {
        if (!open) onClose();
      }}
    >
      {/* Keyed by user so each opening starts from that user's current name. */}
      {user && <RenameForm key={user.id} user={user} onClose={onClose} onRenamed={onRenamed} />}
    </Dialog>
  );
}

function RenameForm({ user, onClose, onRenamed }: { user: SystemUserSummary } & Omit<RenameSystemUserDialogProps, "user">) {
  const backend = useBackend();
  const [name, setName] = useState(user.name);
  const [pending, setPending] = useState(false);
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
    <Form
      className="stack"
      onSubmit={(event) => {
        event.preventDefault();
        void submit();
      }}
    >
      <TextField
        label="New name"
        description="Integrations keep working: tokens belong to the system user, not to its name."
        value={name}
        onChange={setName}
        isRequired
        autoFocus
        isInvalid={nameError !== null}
        errorMessage={nameError ? nameError.message : "Give the system user a name."}
      />
      {error && !nameError && <ErrorCallout error={error} title="The name was not changed" />}
      <DialogActions>
        <Button slot="close" isDisabled={pending}>
          Cancel
        </Button>
        <Button type="submit" variant="primary" isDisabled={pending}>
          {pending ? "Saving…" : "Save name"}
        </Button>
      </DialogActions>
    </Form>
  );
}
