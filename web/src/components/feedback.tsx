import { useEffect, useRef, type ReactNode } from "react";
import type { Described } from "../api/errors";
import { useT } from "../i18n";

export function Alert({
  variant, heading, children, focus = false,
}: { variant: "info" | "success" | "warning" | "error"; heading?: string; children?: ReactNode; focus?: boolean }) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (focus) ref.current?.focus();
  }, [focus]);
  const live = variant === "error" || variant === "warning";
  return (
    <div
      ref={ref}
      className={`alert alert-${variant}`}
      role={live ? "alert" : "status"}
      tabIndex={focus ? -1 : undefined}
    >
      <div className="alert-body">
        {heading ? <p className="alert-heading">{heading}</p> : null}
        {children ? <div className="alert-text">{children}</div> : null}
      </div>
    </div>
  );
}

/** The API's error at the top of a form, with links to the invalid fields. */
export function ProblemAlert({
  problem, fieldIds = {}, heading,
}: { problem: Described | null; fieldIds?: Record<string, string>; heading?: string }) {
  const t = useT();
  if (!problem) return null;
  const entries = Object.entries(problem.fields);
  return (
    <Alert variant="error" heading={heading ?? problem.message} focus>
      {entries.length ? (
        <ul className="alert-list">
          {entries.map(([field, msg]) => (
            <li key={field}>
              {fieldIds[field] ? <a href={`#${fieldIds[field]}`}>{msg}</a> : msg}
            </li>
          ))}
        </ul>
      ) : heading ? (
        <p>{problem.message}</p>
      ) : null}
      {problem.requestId ? <p className="small-text">{t.errors.requestId(problem.requestId)}</p> : null}
    </Alert>
  );
}

export function Loading() {
  const t = useT();
  return (
    <div className="spinner-box" role="status" aria-live="polite">
      <div className="spinner" aria-hidden="true" />
      <div className="spinner-status">{t.app.loading}</div>
    </div>
  );
}

export function Badge({ variant, children }: { variant: "error" | "warning" | "success" | "info"; children: ReactNode }) {
  return <span className={`badge badge-${variant}`}>{children}</span>;
}
