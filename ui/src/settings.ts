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
