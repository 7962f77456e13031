import { useEffect, useRef, useState } from "react";
import { useBackend } from "./backend/context";
import type { ExpiryNotice } from "./bindings";
import { useExpiryReminder } from "./settings";

/** Asked again this often while the app runs (twice a day). */
const EVERY_MS = 12 * 60 * 60 * 1000;

/**
 * When the reminder is on: a desktop notification (shown by the shell) at start and twice a day
 * for tokens about to expire, and the notice for the window, read again when the person changes
 * the number of days (without notifying). `defaultDays` is the engine's, until the person chose.
 */
export function useExpiryReminderNotice(defaultDays: number | undefined): ExpiryNotice | null {
  const backend = useBackend();
  const [reminder] = useExpiryReminder();
  const [notice, setNotice] = useState<ExpiryNotice | null>(null);
  const days = reminder.days ?? defaultDays;
  // The timer reads the days chosen last, without restarting (and notifying) on each change.
  const daysNow = useRef(days);
  useEffect(() => {
    daysNow.current = days;
  }, [days]);

  // Notifications: at start (once the engine's default is known) and on the timer.
  const ready = days !== undefined;
  useEffect(() => {
    if (!reminder.on || !ready) return;
    let live = true;
    const notify = () => {
      const within = daysNow.current;
      if (within === undefined) return;
      void backend.notifyTokenExpiry(within).then((result) => {
        if (live && result.status === "ok") setNotice(result.data);
      });
    };
    notify();
    const timer = window.setInterval(notify, EVERY_MS);
    return () => {
      live = false;
      window.clearInterval(timer);
    };
  }, [backend, reminder.on, ready]);

  // The window's notice follows a changed number of days at once, quietly.
  useEffect(() => {
    if (!reminder.on || days === undefined) return;
    let live = true;
    void backend.tokenExpiryNotice(days).then((result) => {
      if (live && result.status === "ok") setNotice(result.data);
    });
    return () => {
      live = false;
    };
  }, [backend, reminder.on, days]);

  // Switched off: no notice, whatever the last answer was.
  return reminder.on ? notice : null;
}
