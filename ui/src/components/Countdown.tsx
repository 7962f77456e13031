import { useEffect, useState } from "react";

/** The current time in whole seconds, updated every `everyMs`. */
export function useNowUnix(everyMs = 1000): number {
  const [now, setNow] = useState(() => Math.floor(Date.now() / 1000));
  useEffect(() => {
    const timer = setInterval(() => setNow(Math.floor(Date.now() / 1000)), everyMs);
    return () => clearInterval(timer);
  }, [everyMs]);
  return now;
}

function unit(n: number, one: string): string {
  return `${n} ${one}${n === 1 ? "" : "s"}`;
}

/**
 * Time left in plain words, most significant two units: "57 days 5 hours", "3 hours 12 minutes",
 * "45 seconds". Zero or less: "no time".
 */
export function formatRemaining(seconds: number): string {
  if (seconds <= 0) return "no time";
  const days = Math.floor(seconds / 86_400);
  const hours = Math.floor((seconds % 86_400) / 3600);
  const minutes = Math.floor((seconds % 3600) / 60);
  const secs = Math.floor(seconds % 60);
  if (days > 0) return hours > 0 ? `${unit(days, "day")} ${unit(hours, "hour")}` : unit(days, "day");
  if (hours > 0) return minutes > 0 ? `${unit(hours, "hour")} ${unit(minutes, "minute")}` : unit(hours, "hour");
  if (minutes > 0) return secs > 0 && minutes < 5 ? `${unit(minutes, "minute")} ${unit(secs, "second")}` : unit(minutes, "minute");
  return unit(secs, "second");
}

export interface CountdownProps {
  /** The moment it ends, in Unix seconds. */
  untilUnix: number;
  /** What to show once it has ended. */
  endedText?: string;
  /** Words after the time while it runs (" left"). */
  suffix?: string;
  /** How often to update; a day-long countdown does not need every second. */
  everyMs?: number;
}

/**
 * A live countdown. It is not a live region (it would talk every second); put the sentence that
 * matters in a status message instead.
 */
export function Countdown({ untilUnix, endedText = "ended", suffix = "", everyMs = 1000 }: CountdownProps) {
  const now = useNowUnix(everyMs);
  const left = untilUnix - now;
  return <span className="time-left">{left > 0 ? `${formatRemaining(left)}${suffix}` : endedText}</span>;
}
