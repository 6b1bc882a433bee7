import { useT } from "../i18n";

/** A report's count: `null` is a suppressed cell (1–4 people in an auditor's
 * view), shown as suppressed, never as zero or blank. */
export function Count({ value }: { value: number | null | undefined }) {
  const t = useT();
  return value == null ? <span className="cell-suppressed">{t.outcomes.suppressed}</span> : <>{value}</>;
}
