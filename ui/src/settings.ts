import { useCallback, useEffect, useState } from "react";

/** Not a secret: only a number of seconds. */
const CLIPBOARD_KEY = "gatehouse.clipboardClearSeconds";
const CHANGED = "gatehouse:clipboard-clear-seconds";

/**
 * The number of seconds the person chose, or `null` when they chose none. The engine owns the
 * default and the bounds (`AppInfo.clipboard_clear`) and applies them to every copy.
 */
export function readClipboardClearSeconds(): number | null {
  const raw = localStorage.getItem(CLIPBOARD_KEY);
  const stored = Number(raw);
  return raw !== null && raw.trim() !== "" && Number.isFinite(stored) ? Math.round(stored) : null;
}

/**
 * How many seconds after a copy Gatehouse clears the clipboard (Settings → Clipboard), and a
 * setter that stores it. Every mounted user of the hook sees a change at once.
 */
export function useClipboardClearSeconds(): [number | null, (seconds: number) => void] {
  const [seconds, setSeconds] = useState(readClipboardClearSeconds);
  useEffect(() => {
    const onChange = () => setSeconds(readClipboardClearSeconds());
    window.addEventListener(CHANGED, onChange);
    window.addEventListener("storage", onChange);
    return () => {
      window.removeEventListener(CHANGED, onChange);
      window.removeEventListener("storage", onChange);
    };
  }, []);
  const update = useCallback((next: number) => {
    if (!Number.isFinite(next)) return;
    localStorage.setItem(CLIPBOARD_KEY, String(Math.round(next)));
    window.dispatchEvent(new Event(CHANGED));
  }, []);
  return [seconds, update];
}

/** Not a secret: whether the expiry reminder is on, and how many days ahead it looks. */
const REMINDER_KEY = "gatehouse.expiryReminder";
const REMINDER_CHANGED = "gatehouse:expiry-reminder";

export interface ExpiryReminder {
  on: boolean;
  /** `null`: the engine's default (`AppInfo.expiry_reminder`). */
  days: number | null;
}

export function readExpiryReminder(): ExpiryReminder {
  try {
    const raw = JSON.parse(localStorage.getItem(REMINDER_KEY) ?? "null") as Partial<ExpiryReminder> | null;
    return { on: raw?.on ?? true, days: typeof raw?.days === "number" && Number.isFinite(raw.days) ? Math.round(raw.days) : null };
  } catch {
    return { on: true, days: null };
  }
}

/** The expiry reminder as the person set it (Settings → Token expiry), on by default. */
export function useExpiryReminder(): [ExpiryReminder, (next: ExpiryReminder) => void] {
  const [reminder, setReminder] = useState(readExpiryReminder);
  useEffect(() => {
    const onChange = () => setReminder(readExpiryReminder());
    window.addEventListener(REMINDER_CHANGED, onChange);
    window.addEventListener("storage", onChange);
    return () => {
      window.removeEventListener(REMINDER_CHANGED, onChange);
      window.removeEventListener("storage", onChange);
    };
  }, []);
  const update = useCallback((next: ExpiryReminder) => {
    localStorage.setItem(REMINDER_KEY, JSON.stringify(next));
    window.dispatchEvent(new Event(REMINDER_CHANGED));
  }, []);
  return [reminder, update];
}
