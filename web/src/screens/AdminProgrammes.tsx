import { useState, type FormEvent } from "react";
import { api } from "../api/client";
import type { components } from "../api/schema";
import { Alert, Badge, Loading, ProblemAlert } from "../components/feedback";
import { Checkbox, SelectField, TextArea, TextField } from "../components/forms";
import { useT } from "../i18n";
import { forgetProgrammes } from "../lib/programmes";
import { useAction, useLoad } from "../lib/useLoad";

type Programme = components["schemas"]["Programme"];
type Department = components["schemas"]["DepartmentCode"];
type Update = components["schemas"]["UpdateProgrammeRequest"];
type Rule = components["schemas"]["MilestoneRule"];
type Anchor = components["schemas"]["Anchor"];
/** A rule as typed: the offsets as text until sent. */
type DraftRule = Omit<Rule, "offset_months" | "offset_days"> & { offset_months: string; offset_days: string };

const DEPARTMENTS: Department[] = ["bif", "buf", "kff", "sof", "suf", "tmf", "okf"];
const ANCHORS: Anchor[] = ["arrival", "visitation", "enrolment_start"];

const draft = (r: Rule): DraftRule => ({ ...r, offset_months: String(r.offset_months ?? 0), offset_days: String(r.offset_days ?? 0) });
const blankRule = (): DraftRule => ({ code: "", name_da: "", name_en: "", anchor: "enrolment_start", offset_months: "0", offset_days: "0" });

/** The rules to send, or null when an offset is not a whole number in range. */
function toRules(drafts: DraftRule[]): Rule[] | null {
  const out: Rule[] = [];
  for (const d of drafts) {
    const m = Number(d.offset_months.trim() || "0");
    const days = Number(d.offset_days.trim() || "0");
    if (!Number.isInteger(m) || !Number.isInteger(days) || m < 0 || m > 120 || days < 0 || days > 3650) return null;
    out.push({ ...d, offset_months: m, offset_days: days });
  }
  return out;
}

/** The administrator's programme catalogue: list, create, change names, description, requirements and the active flag. */
export default function AdminProgrammes() {
  const t = useT();
  const programmes = useLoad(() => api.GET("/api/v1/programmes"), []);
  const [flash, setFlash] = useState<string | null>(null);
  const changed = (message: string) => {
    forgetProgrammes();
    setFlash(message);
    programmes.reload();
  };
  const list = programmes.data ?? [];
  const name = (p: Programme) => (t.lang === "da" ? p.name_da : p.name_en);
  return (
    <>
      <h1>{t.adminProgrammes.title}</h1>
      <p className="font-lead">{t.adminProgrammes.intro}</p>
      {flash ? <Alert variant="success">{flash}</Alert> : null}
      <ProblemAlert problem={programmes.error} />
      <section aria-labelledby="programmes-heading">
        <h2 id="programmes-heading">{t.adminProgrammes.list}</h2>
        {programmes.loading && !programmes.data ? <Loading /> : null}
        {programmes.data ? (
          list.length ? (
            <table className="table table--zebra admin-programmes">
              <thead>
                <tr>
                  <th scope="col">{t.adminProgrammes.code}</th>
                  <th scope="col">{t.adminProgrammes.name}</th>
                  <th scope="col">{t.adminProgrammes.department}</th>
                  <th scope="col">{t.adminProgrammes.requirements}</th>
                  <th scope="col">{t.adminProgrammes.milestones}</th>
                  <th scope="col">{t.adminProgrammes.state}</th>
                </tr>
              </thead>
              <tbody>
                {list.map((p) => (
                  <tr key={p.code}>
                    <th scope="row">{p.code}</th>
                    <td>{name(p)}</td>
                    <td>{p.department.toUpperCase()}</td>
                    <td>{requirements(p, t).join(", ")}</td>
                    <td>{p.milestone_rules.length}</td>
                    <td>
                      {p.active ? <Badge variant="success">{t.adminProgrammes.active}</Badge> : <Badge variant="warning">{t.adminProgrammes.inactive}</Badge>}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          ) : (
            <p>{t.adminProgrammes.empty}</p>
          )
        ) : null}
        {list.map((p) => <EditProgramme key={`${p.code}-${p.version}`} programme={p} onChanged={changed} />)}
      </section>
      <CreateProgramme onCreated={changed} />
    </>
  );
}

function requirements(p: Programme, t: ReturnType<typeof useT>): string[] {
  const out: string[] = [];
  if (p.restricted) out.push(t.adminProgrammes.restricted);
  if (p.requires_mentor) out.push(t.adminProgrammes.requiresMentor);
  if (p.requires_consent) out.push(t.adminProgrammes.requiresConsent);
  if (p.max_duration_months) out.push(t.adminProgrammes.months(p.max_duration_months));
  return out;
}

function CreateProgramme({ onCreated }: { onCreated: (message: string) => void }) {
  const t = useT();
  const empty = {
    code: "", name_da: "", name_en: "", department: "bif" as Department,
    restricted: false, requires_mentor: false, requires_consent: false, eligibility_notes: "", max_duration: "",
  };
  const [form, setForm] = useState(empty);
  const [rules, setRules] = useState<DraftRule[]>([]);
  const [durationError, setDurationError] = useState<string | undefined>();
  const [rulesError, setRulesError] = useState<string | undefined>();
  const { run, busy, error } = useAction();
  async function submit(e: FormEvent) {
    e.preventDefault();
    const raw = form.max_duration.trim();
    const months = raw === "" ? null : Number(raw);
    if (months !== null && !(Number.isInteger(months) && months > 0)) {
      setDurationError(t.adminProgrammes.maxDurationInvalid);
      document.getElementById("np-max-duration")?.focus();
      return;
    }
    setDurationError(undefined);
    const milestone_rules = toRules(rules);
    if (!milestone_rules) {
      setRulesError(t.adminProgrammes.offsetInvalid);
      return;
    }
    setRulesError(undefined);
    const { max_duration: _unused, ...rest } = form;
    const res = await run(() =>
      api.POST("/api/v1/admin/programmes", { body: { ...rest, max_duration_months: months, milestone_rules } }),
    );
    if (res) {
      setForm(empty);
      setRules([]);
      onCreated(t.adminProgrammes.created(res.code));
    }
  }
  const fe = error?.fields ?? {};
  return (
    <section aria-labelledby="create-programme-heading">
      <h2 id="create-programme-heading">{t.adminProgrammes.create}</h2>
      <form onSubmit={submit} noValidate>
        <ProblemAlert problem={error} fieldIds={{
          code: "np-code", name_da: "np-name-da", name_en: "np-name-en",
          eligibility_notes: "np-eligibility", max_duration_months: "np-max-duration",
          ...Object.fromEntries(rules.map((_, i) => [`milestone_rules[${i}]`, `np-rule-${i}-code`])),
        }} />
        <TextField id="np-code" label={t.adminProgrammes.code} hint={t.adminProgrammes.codeHint} value={form.code} required
          error={fe.code} autoComplete="off" spellCheck={false} onChange={(e) => setForm({ ...form, code: e.target.value })} />
        <TextField id="np-name-da" lang="da" label={t.adminProgrammes.nameDa} value={form.name_da} required error={fe.name_da}
          onChange={(e) => setForm({ ...form, name_da: e.target.value })} />
        <TextField id="np-name-en" lang="en" label={t.adminProgrammes.nameEn} value={form.name_en} required error={fe.name_en}
          onChange={(e) => setForm({ ...form, name_en: e.target.value })} />
        <SelectField id="np-department" label={t.adminProgrammes.department} value={form.department}
          onChange={(e) => setForm({ ...form, department: e.target.value as Department })}>
          {DEPARTMENTS.map((d) => <option key={d} value={d}>{d.toUpperCase()}</option>)}
        </SelectField>
        <fieldset>
          <legend className="form-label">{t.adminProgrammes.requirements}</legend>
          <Checkbox id="np-restricted" label={t.adminProgrammes.restricted} hint={t.adminProgrammes.restrictedHint}
            checked={form.restricted} onChange={(e) => setForm({ ...form, restricted: e.target.checked })} />
          <Checkbox id="np-requires-mentor" label={t.adminProgrammes.requiresMentor} checked={form.requires_mentor}
            onChange={(e) => setForm({ ...form, requires_mentor: e.target.checked })} />
          <Checkbox id="np-requires-consent" label={t.adminProgrammes.requiresConsent} checked={form.requires_consent}
            onChange={(e) => setForm({ ...form, requires_consent: e.target.checked })} />
        </fieldset>
        <TextArea id="np-eligibility" label={t.adminProgrammes.eligibility} value={form.eligibility_notes} rows={3}
          maxLength={2000} error={fe.eligibility_notes} onChange={(e) => setForm({ ...form, eligibility_notes: e.target.value })} />
        <TextField id="np-max-duration" className="input-width-xs" inputMode="numeric" label={t.adminProgrammes.maxDuration}
          hint={t.adminProgrammes.maxDurationHint} value={form.max_duration} error={durationError ?? fe.max_duration_months}
          onChange={(e) => setForm({ ...form, max_duration: e.target.value })} />
        <RulesEditor idPrefix="np" rules={rules} onChange={setRules} fields={fe} localError={rulesError} />
        <button type="submit" className="button button-primary" disabled={busy}>{t.adminProgrammes.createSubmit}</button>
      </form>
    </section>
  );
}

function EditProgramme({ programme: p, onChanged }: { programme: Programme; onChanged: (message: string) => void }) {
  const t = useT();
  const [form, setForm] = useState({
    name_da: p.name_da, name_en: p.name_en, eligibility_notes: p.eligibility_notes,
    requires_mentor: p.requires_mentor, requires_consent: p.requires_consent, active: p.active,
  });
  const { run, busy, error, setError } = useAction();
  const prefix = `ep-${p.code}`;

  // Only what changed: the PATCH leaves absent fields as they are.
  const body: Update = {};
  for (const k of Object.keys(form) as (keyof typeof form)[]) {
    if (form[k] !== p[k]) (body as Record<string, unknown>)[k] = form[k];
  }
  const dirty = Object.keys(body).length > 0;

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (!dirty) {
      setError({ message: t.adminProgrammes.noChanges, fields: {}, status: 0, code: "no-changes" });
      return;
    }
    const res = await run(() =>
      api.PATCH("/api/v1/admin/programmes/{code}", {
        params: { path: { code: p.code }, header: { "If-Match": `"${p.version}"` } },
        body,
      }),
    );
    if (res) onChanged(t.adminProgrammes.saved(p.code));
  }

  return (
    <details className="details admin-programme">
      <summary className="details-summary">{t.adminProgrammes.edit(p.code)}</summary>
      <div className="details-text">
        <form noValidate onSubmit={submit}>
          <ProblemAlert problem={error} fieldIds={{
            name_da: `${prefix}-name-da`, name_en: `${prefix}-name-en`, eligibility_notes: `${prefix}-eligibility`,
          }} />
          <p className="small-text">{t.adminProgrammes.fixedFacts}</p>
          <TextField id={`${prefix}-name-da`} lang="da" label={t.adminProgrammes.nameDa} value={form.name_da} required
            error={error?.fields.name_da} onChange={(e) => setForm({ ...form, name_da: e.target.value })} />
          <TextField id={`${prefix}-name-en`} lang="en" label={t.adminProgrammes.nameEn} value={form.name_en} required
            error={error?.fields.name_en} onChange={(e) => setForm({ ...form, name_en: e.target.value })} />
          <TextArea id={`${prefix}-eligibility`} label={t.adminProgrammes.eligibility} value={form.eligibility_notes} rows={3}
            maxLength={2000} error={error?.fields.eligibility_notes}
            onChange={(e) => setForm({ ...form, eligibility_notes: e.target.value })} />
          <fieldset>
            <legend className="form-label">{t.adminProgrammes.requirements}</legend>
            <Checkbox id={`${prefix}-requires-mentor`} label={t.adminProgrammes.requiresMentor} checked={form.requires_mentor}
              onChange={(e) => setForm({ ...form, requires_mentor: e.target.checked })} />
            <Checkbox id={`${prefix}-requires-consent`} label={t.adminProgrammes.requiresConsent} checked={form.requires_consent}
              onChange={(e) => setForm({ ...form, requires_consent: e.target.checked })} />
            <Checkbox id={`${prefix}-active`} label={t.adminProgrammes.activeLabel} checked={form.active}
              onChange={(e) => setForm({ ...form, active: e.target.checked })} />
          </fieldset>
          <button type="submit" className="button button-primary" disabled={busy}>{t.adminProgrammes.save}</button>
        </form>
        <EditRules programme={p} onChanged={onChanged} />
      </div>
    </details>
  );
}

/** Replaces the programme's milestone rules (its own PATCH, so the form above stays as typed). */
function EditRules({ programme: p, onChanged }: { programme: Programme; onChanged: (message: string) => void }) {
  const t = useT();
  const [rules, setRules] = useState<DraftRule[]>(p.milestone_rules.map(draft));
  const [localError, setLocalError] = useState<string | undefined>();
  const { run, busy, error } = useAction();
  async function submit(e: FormEvent) {
    e.preventDefault();
    const milestone_rules = toRules(rules);
    if (!milestone_rules) {
      setLocalError(t.adminProgrammes.offsetInvalid);
      return;
    }
    setLocalError(undefined);
    const res = await run(() =>
      api.PATCH("/api/v1/admin/programmes/{code}", {
        params: { path: { code: p.code }, header: { "If-Match": `"${p.version}"` } },
        body: { milestone_rules },
      }),
    );
    if (res) onChanged(t.adminProgrammes.rulesSaved(p.code));
  }
  return (
    <form noValidate onSubmit={submit}>
      <ProblemAlert problem={error} fieldIds={Object.fromEntries(rules.map((_, i) => [`milestone_rules[${i}]`, `ep-${p.code}-rule-${i}-code`]))} />
      <RulesEditor idPrefix={`ep-${p.code}`} rules={rules} onChange={setRules} fields={error?.fields ?? {}} localError={localError} />
      <button type="submit" className="button button-secondary" disabled={busy}>{t.adminProgrammes.saveRules}</button>
    </form>
  );
}

function RulesEditor({ idPrefix, rules, onChange, fields, localError }: {
  idPrefix: string; rules: DraftRule[]; onChange: (rules: DraftRule[]) => void; fields: Record<string, string>; localError?: string;
}) {
  const t = useT();
  const set = (i: number, change: Partial<DraftRule>) => onChange(rules.map((r, j) => (j === i ? { ...r, ...change } : r)));
  return (
    <fieldset className="admin-rules">
      <legend className="h4">{t.adminProgrammes.milestones}</legend>
      <p className="form-hint">{t.adminProgrammes.rulesHint}</p>
      {localError || fields.milestone_rules ? (
        <p className="form-error-message" role="alert">{localError ?? fields.milestone_rules}</p>
      ) : null}
      {rules.length ? null : <p className="small-text">{t.adminProgrammes.noMilestones}</p>}
      {rules.map((r, i) => {
        const id = `${idPrefix}-rule-${i}`;
        const err = fields[`milestone_rules[${i}]`];
        return (
          <fieldset key={i} className="admin-rule">
            <legend className="form-label">{t.adminProgrammes.rule(i + 1)}</legend>
            <TextField id={`${id}-code`} label={t.adminProgrammes.ruleCode} value={r.code} required error={err}
              autoComplete="off" spellCheck={false} onChange={(e) => set(i, { code: e.target.value })} />
            <TextField id={`${id}-name-da`} lang="da" label={t.adminProgrammes.nameDa} value={r.name_da} required
              onChange={(e) => set(i, { name_da: e.target.value })} />
            <TextField id={`${id}-name-en`} lang="en" label={t.adminProgrammes.nameEn} value={r.name_en} required
              onChange={(e) => set(i, { name_en: e.target.value })} />
            <SelectField id={`${id}-anchor`} label={t.adminProgrammes.anchor} value={r.anchor}
              onChange={(e) => set(i, { anchor: e.target.value as Anchor })}>
              {ANCHORS.map((a) => <option key={a} value={a}>{t.adminProgrammes.anchors[a]}</option>)}
            </SelectField>
            <TextField id={`${id}-months`} className="input-width-xs" inputMode="numeric" label={t.adminProgrammes.offsetMonths}
              value={r.offset_months} onChange={(e) => set(i, { offset_months: e.target.value })} />
            <TextField id={`${id}-days`} className="input-width-xs" inputMode="numeric" label={t.adminProgrammes.offsetDays}
              value={r.offset_days} onChange={(e) => set(i, { offset_days: e.target.value })} />
            <button type="button" className="button button-tertiary" onClick={() => onChange(rules.filter((_, j) => j !== i))}>
              {t.adminProgrammes.removeRule(i + 1)}
            </button>
          </fieldset>
        );
      })}
      <button type="button" className="button button-secondary" disabled={rules.length >= 20}
        onClick={() => onChange([...rules, blankRule()])}>
        {t.adminProgrammes.addRule}
      </button>
    </fieldset>
  );
}
