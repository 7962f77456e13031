import type { ReactNode } from "react";
import type { CommandError } from "../bindings";
import { Button } from "./Button";
import { ErrorCallout } from "./Callout";
import { Dialog, DialogActions } from "./Dialog";

export interface ConfirmDialogProps {
  title: string;
  isOpen: boolean;
  onCancel: () => void;
  onConfirm: () => void;
  /** What will happen, in plain words. */
  children: ReactNode;
  confirmLabel: string;
  pendingLabel?: string;
  pending?: boolean;
  /** Shown inside the dialog; the dialog stays open so the user can try again or cancel. */
  error?: CommandError | null;
  errorTitle?: string;
  /** Red confirm button for things that remove or revoke. */
  danger?: boolean;
}

/** "Are you sure?": Cancel has the focus first, so Enter never confirms by accident. */
export function ConfirmDialog({
  title,
  isOpen,
  onCancel,
  onConfirm,
  children,
  confirmLabel,
  pendingLabel,
  pending = false,
  error,
  errorTitle,
  danger = true,
}: ConfirmDialogProps) {
  return (
    <Dialog
      title={title}
      isOpen={isOpen}
      isDismissable={!pending}
      onOpenChange={(open) => {
        if (!open && !pending) onCancel();
      }}
    >
      <div className="stack-sm">{children}</div>
      {error && <ErrorCallout error={error} title={errorTitle} />}
      <DialogActions>
        <Button autoFocus onPress={onCancel} isDisabled={pending}>
          Cancel
        </Button>
        <Button variant={danger ? "danger" : "primary"} onPress={onConfirm} isDisabled={pending}>
          {pending ? (pendingLabel ?? confirmLabel) : confirmLabel}
        </Button>
      </DialogActions>
    </Dialog>
  );
}
