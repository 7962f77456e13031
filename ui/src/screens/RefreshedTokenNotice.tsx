import { useBackend } from "../backend/context";
import type { IssuedToken } from "../backend/types";
import { Button } from "../components/Button";
import { Dialog, DialogActions } from "../components/Dialog";

/**
 * Shown after a refresh until the copy-once dialog (screens/token/) is available: says a new
 * token exists and forgets it on close.
 */
export function RefreshedTokenNotice({ token, onClosed }: { token: IssuedToken; onClosed: () => void }) {
  const backend = useBackend();
  const close = () => {
    void backend.forgetToken(token.handle);
    onClosed();
  };
  return (
    <Dialog title="A new token was made" isOpen onOpenChange={(open) => !open && close()} isDismissable={false}>
      <p>
        Meta issued a new 60-day token ending in <span className="mono">…{token.last_chars}</span>. The old one keeps working until
        it expires.
      </p>
      <DialogActions>
        <Button variant="primary" onPress={close}>
          Close
        </Button>
      </DialogActions>
    </Dialog>
  );
}
