import { useCallback, useEffect, useState } from "react";

/** Not a secret: only a number of seconds. */
const CLIPBOARD_KEY = "gatehouse.clipboardClearSeconds";
export const CLIPBOARD_CLEAR_DEFAULT = 30;
export const CLIPBOARD_CLEAR_MIN = 10;
export const CLIPBOARD_CLEAR_MAX = 300;
const CHANGED = "gatehouse:clipboard-clear-seconds";

function clamp(seconds: number): number {
  return Math.min(CLIPBOARD_CLEAR_MAX, Math.max(CLIPBOARD_CLEAR_MIN, Math.round(seconds)));
}

export function readClipboardClearSeconds(): number {
  const stored = Number(localStorage.getItem(CLIPBOARD_KEY));
  return localStorage.getItem(CLIPBOARD_KEY) !== null && Number.isFinite(stored) ? clamp(stored) : CLIPBOARD_CLEAR_DEFAULT;
}

/**
 * How many seconds after a copy Gatehouse clears the clipboard (Settings → Clipboard), and a
 * setter that stores it. Every mounted user of the hook sees a change at once.
 */
export function useClipboardClearSeconds(): [number, (seconds: number) => void] {
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
    localStorage.setItem(CLIPBOARD_KEY, String(clamp(next)));
    window.dispatchEvent(new Event(CHANGED));
  }, []);
  return [seconds, update];
}
