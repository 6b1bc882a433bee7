// DKFDS form controls: label, hint and error message tied to the input with
// aria-describedby, the error shown beside its field.
import { useId, type InputHTMLAttributes, type ReactNode, type SelectHTMLAttributes, type TextareaHTMLAttributes } from "react";
import { useT } from "../i18n";

interface Common {
  label: string;
  hint?: string;
  error?: string;
  required?: boolean;
  id?: string;
}

function describedBy(id: string, hint?: string, error?: string): string | undefined {
  const ids = [hint ? `${id}-hint` : null, error ? `${id}-error` : null].filter(Boolean);
  return ids.length ? ids.join(" ") : undefined;
}

function Label({ id, label, required }: { id: string; label: string; required?: boolean }) {
  return (
    <label className="form-label" htmlFor={id}>
      {label}
      {required ? <span aria-hidden="true"> *</span> : null}
    </label>
  );
}

function HintAndError({ id, hint, error }: { id: string; hint?: string; error?: string }) {
  const t = useT();
  return (
    <>
      {hint ? (
        <span className="form-hint" id={`${id}-hint`}>
          {hint}
        </span>
      ) : null}
      {error ? (
        <span className="form-error-message" id={`${id}-error`}>
          <span className="sr-only">{t.lang === "da" ? "Fejl: " : "Error: "}</span>
          {error}
        </span>
      ) : null}
    </>
  );
}

export function TextField({
  label, hint, error, required, id: given, className, ...input
}: Common & InputHTMLAttributes<HTMLInputElement>) {
  const auto = useId();
  const id = given ?? auto;
  return (
    <div className={`form-group${error ? " form-error" : ""}`}>
      <Label id={id} label={label} required={required} />
      <HintAndError id={id} hint={hint} error={error} />
      <input
        id={id}
        className={`form-input${className ? ` ${className}` : ""}`}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy(id, hint, error)}
        required={required}
        {...input}
      />
    </div>
  );
}

export function TextArea({
  label, hint, error, required, id: given, ...input
}: Common & TextareaHTMLAttributes<HTMLTextAreaElement>) {
  const auto = useId();
  const id = given ?? auto;
  return (
    <div className={`form-group${error ? " form-error" : ""}`}>
      <Label id={id} label={label} required={required} />
      <HintAndError id={id} hint={hint} error={error} />
      <textarea
        id={id}
        className="form-input"
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy(id, hint, error)}
        required={required}
        {...input}
      />
    </div>
  );
}

export function SelectField({
  label, hint, error, required, id: given, children, ...select
}: Common & SelectHTMLAttributes<HTMLSelectElement> & { children: ReactNode }) {
  const auto = useId();
  const id = given ?? auto;
  return (
    <div className={`form-group${error ? " form-error" : ""}`}>
      <Label id={id} label={label} required={required} />
      <HintAndError id={id} hint={hint} error={error} />
      <select
        id={id}
        className="form-select"
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy(id, hint, error)}
        required={required}
        {...select}
      >
        {children}
      </select>
    </div>
  );
}

export function Checkbox({
  label, hint, error, id: given, ...input
}: Omit<Common, "required"> & InputHTMLAttributes<HTMLInputElement>) {
  const auto = useId();
  const id = given ?? auto;
  return (
    <div className={`form-group-checkbox${error ? " form-error" : ""}`}>
      <input
        type="checkbox"
        id={id}
        className="form-checkbox"
        aria-describedby={describedBy(id, hint, error)}
        {...input}
      />
      <label className="form-label" htmlFor={id}>
        {label}
      </label>
      <HintAndError id={id} hint={hint} error={error} />
    </div>
  );
}
