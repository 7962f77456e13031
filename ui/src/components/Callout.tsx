import type { ReactNode } from "react";
import type { CommandError, ProblemCode } from "../bindings";
import { Details } from "./Details";

export type CalloutTone = "info" | "success" | "warning" | "error";

const icons: Record<CalloutTone, string> = {
  info: "M10 2a8 8 0 1 0 0 16 8 8 0 0 0 0-16Zm0 4.25a1 1 0 1 1 0 2 1 1 0 0 1 0-2ZM9 10h2v5H9z",
  success: "M10 2a8 8 0 1 0 0 16 8 8 0 0 0 0-16Zm-1.2 11.2-3.5-3.5 1.4-1.4 2.1 2.1 4.6-4.6 1.4 1.4z",
  warning: "M10 2 1 18h18L10 2Zm-1 5h2v6H9zm0 7.5h2v2H9z",
  error: "M10 2a8 8 0 1 0 0 16 8 8 0 0 0 0-16Zm3.5 10.1-1.4 1.4L10 11.4l-2.1 2.1-1.4-1.4L8.6 10 6.5 7.9l1.4-1.4L10 8.6l2.1-2.1 1.4 1.4-2.1 2.1z",
};

export interface CalloutProps {
  tone: CalloutTone;
  title: string;
  children?: ReactNode;
  /** Messages inside a live region (or a list of problems) must not each be an alert. */
  role?: "alert" | "status" | "none";
}

/** One component for every inline message, so tone, icon and layout never drift apart. */
export function Callout({ tone, title, children, role }: CalloutProps) {
  const ariaRole = role ?? (tone === "error" ? "alert" : "status");
  return (
    <div className={`callout callout--${tone}`} role={ariaRole === "none" ? undefined : ariaRole}>
      <svg className="callout__icon" viewBox="0 0 20 20" aria-hidden="true">
        <path fill="currentColor" d={icons[tone]} />
      </svg>
      <div className="callout__body">
        <span className="callout__title">{title}</span>
        {children}
      </div>
    </div>
  );
}

/** Anything the engine reports as an error: a `CommandError`, a job item's error, a problem. */
export type ErrorLike = Pick<CommandError, "message" | "fix"> & {
  // A connection problem has codes of its own.
  code: CommandError["code"] | ProblemCode;
  detail?: string | null;
};

/** An error from the backend: plain explanation, the fix when there is one, details folded away. */
export function ErrorCallout({
  error,
  title,
  tone = "error",
  role,
  prefix,
  children,
}: {
  error: ErrorLike;
  /** An action that fixes it, under the fix. */
  children?: ReactNode;
  /** A title of its own; the error's message then follows under it. */
  title?: string;
  /** Words before the message in the title ("Must be fixed:"), so tone is never told by colour alone. */
  prefix?: string;
  /** `warning` for problems that do not block anything. */
  tone?: "error" | "warning";
  role?: CalloutProps["role"];
}) {
  return (
    <Callout tone={tone} title={title ?? (prefix ? `${prefix} ${error.message}` : error.message)} role={role}>
      {title && <span>{error.message}</span>}
      {error.fix && <span>{error.fix}</span>}
      {children}
      <Details>
        <code>{error.code}</code>
        {error.detail && <p>{error.detail}</p>}
      </Details>
    </Callout>
  );
}

/** An error about one input field, as the text under that field: what is wrong and the fix. */
export function fieldMessage(error: CommandError): string {
  return [error.message, error.fix].filter(Boolean).join(" ");
}

/** The technical side of an error shown under a field (code and detail), folded away. */
export function FieldErrorDetails({ error }: { error: CommandError | null }) {
  if (!error) return null;
  return (
    <Details>
      <code>{error.code}</code>
      {error.detail && <p>{error.detail}</p>}
    </Details>
  );
}
