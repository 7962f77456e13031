import { useEffect, useState } from "react";
import { useBackend } from "./backend/context";
import type { ExpiryNotice } from "./bindings";
import { useExpiryReminder } from "./settings";

/** Asked again this often while the app runs (twice a day). */
const EVERY_MS = 12 * 60 * 60 * 1000;

/**
 * When the reminder is on: asks the engine at start and twice a day for tokens about to expire
 * (the desktop shell shows its notice as a notification) and returns the notice for the window
 * too. `defaultDays` is the engine's, until the person chose a number.
 */
export function useExpiryReminderNotice(defaultDays: number | undefined): ExpiryNotice | null {
  const backend = useBackend();
  const [reminder] = useExpiryReminder();
  const [notice, setNotice] = useState<ExpiryNotice | null>(null);
  const days = reminder.days ?? defaultDays;
  useEffect(() => {
    if (!reminder.on || days === undefined) return;
    let live = true;
    const ask = () =>
      void backend.notifyTokenExpiry(days).then((result) => {
        if (live && result.status === "ok") setNotice(result.data);
      });
    ask();
    const timer = window.setInterval(ask, EVERY_MS);
    return () => {
      live = false;
      window.clearInterval(timer);
    };
  }, [backend, reminder.on, days]);
  // Switched off: no notice, whatever the last answer was.
  return reminder.on ? notice : null;
}
