import { useState, type FormEvent } from "react";
import type { Programme } from "../api/types";
import { Checkbox, SelectField, TextField } from "../components/forms";
import { useT } from "../i18n";
import { CASELOAD_STATUSES, EMPTY_FILTERS, validateFilters, type CaseloadFilters } from "./filters";

/** The filter form: applies only valid filters, shows the error beside the field. */
export function CaseloadFiltersForm({
  value, programmes, onApply,
}: { value: CaseloadFilters; programmes: Programme[]; onApply: (f: CaseloadFilters) => void }) {
  const t = useT();
  const [draft, setDraft] = useState<CaseloadFilters>(value);
  const [showErrors, setShowErrors] = useState(false);
  const errors = validateFilters(draft);

  function submit(e: FormEvent) {
    e.preventDefault();
    setShowErrors(true);
    if (Object.keys(validateFilters(draft)).length) return;
    onApply({ ...draft, silentDays: draft.silentDays.trim() });
  }

  function reset() {
    setDraft(EMPTY_FILTERS);
    setShowErrors(false);
    onApply(EMPTY_FILTERS);
  }

  return (
    <form className="filters" onSubmit={submit} aria-label={t.caseload.filters} noValidate>
      <div className="filters-row">
        <SelectField
          id="filter-programme"
          label={t.caseload.programme}
          value={draft.programme}
          onChange={(e) => setDraft({ ...draft, programme: e.target.value })}
        >
          <option value="">{t.caseload.allProgrammes}</option>
          {programmes.map((p) => (
            <option key={p.code} value={p.code}>
              {t.lang === "da" ? p.name_da : p.name_en}
            </option>
          ))}
        </SelectField>
        <SelectField
          id="filter-status"
          label={t.caseload.status}
          value={draft.status}
          onChange={(e) => setDraft({ ...draft, status: e.target.value as CaseloadFilters["status"] })}
        >
          <option value="">{t.caseload.allStatuses}</option>
          {CASELOAD_STATUSES.map((s) => (
            <option key={s} value={s}>
              {t.codes.status[s]}
            </option>
          ))}
        </SelectField>
        <TextField
          id="filter-silent"
          label={t.caseload.silentDays}
          hint={t.caseload.silentDaysHint}
          inputMode="numeric"
          className="input-width-xs"
          value={draft.silentDays}
          error={showErrors && errors.silentDays ? t.caseload.silentDaysInvalid : undefined}
          onChange={(e) => setDraft({ ...draft, silentDays: e.target.value })}
        />
      </div>
      <Checkbox
        id="filter-overdue"
        label={t.caseload.overdueOnly}
        checked={draft.overdueOnly}
        onChange={(e) => setDraft({ ...draft, overdueOnly: e.target.checked })}
      />
      <div className="button-row">
        <button type="submit" className="button button-primary">
          {t.caseload.apply}
        </button>
        <button type="button" className="button button-tertiary" onClick={reset}>
          {t.caseload.reset}
        </button>
      </div>
    </form>
  );
}
