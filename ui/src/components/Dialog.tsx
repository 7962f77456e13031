import type { ReactNode } from "react";
import { Button } from "./Button";
import { Dialog as AriaDialog, Form, Heading, Modal, ModalOverlay } from "react-aria-components";

export interface DialogProps {
  title: string;
  isOpen: boolean;
  onOpenChange: (open: boolean) => void;
  /** Escape and outside clicks close the dialog unless it holds something that must not be lost. */
  isDismissable?: boolean;
  children: ReactNode;
}

/** The one modal dialog: focus is trapped and restored, Escape closes, the title labels it. */
export function Dialog({ title, isOpen, onOpenChange, isDismissable = true, children }: DialogProps) {
  return (
    <ModalOverlay
      className="modal-overlay"
      isOpen={isOpen}
      onOpenChange={onOpenChange}
      isDismissable={isDismissable}
      isKeyboardDismissDisabled={!isDismissable}
    >
      <Modal className="modal">
        <AriaDialog className="dialog">
          <Heading slot="title">{title}</Heading>
          {children}
        </AriaDialog>
      </Modal>
    </ModalOverlay>
  );
}

export function DialogActions({ children }: { children: ReactNode }) {
  return <div className="dialog__actions">{children}</div>;
}

/** Cancel and submit for a form in a dialog; both wait while the submit is on its way. */
export function SubmitActions({ pending, label, pendingLabel }: { pending: boolean; label: string; pendingLabel: string }) {
  return (
    <DialogActions>
      <Button slot="close" isDisabled={pending}>
        Cancel
      </Button>
      <Button type="submit" variant="primary" isDisabled={pending}>
        {pending ? pendingLabel : label}
      </Button>
    </DialogActions>
  );
}

/** The form inside a dialog: Enter submits, the page never reloads. */
export function DialogForm({ onSubmit, children }: { onSubmit: () => void; children: ReactNode }) {
  return (
    <Form
      className="stack"
      onSubmit={(event) => {
        event.preventDefault();
        onSubmit();
      }}
    >
      {children}
    </Form>
  );
}
