// Outcome measurements and (restricted work) risk assessments on an enrolment.
import { useState, type FormEvent } from "react";
import { api } from "../api/client";
import type { components } from "../api/schema";
import { formatDate, formatDateTime, useT } from "../i18n";
import { DANISH_LEVELS, EMPLOYMENT } from "../lib/codes";
import { useAction, useLoad } from "../lib/useLoad";
import { useSubmissionKey } from "../lib/submissionKey";
import { Alert, ProblemAlert } from "./feedback";
import { Checkbox, SelectField, TextArea, TextField } from "./forms";
import { isoDate } from "../lib/dates";

type Point = components["schemas"]["MeasurementPoint"];
type Level = components["schemas"]["RiskLevel"];
type Employment = components["schemas"]["EmploymentStatus"];
type Danish = components["schemas"]["DanishLevel"];
const POINTS: Point[] = ["start", "end", "end_plus_6m", "end_plus_12m"];
const LEVELS: Level[] = ["low", "medium", "high"];

export function Outcomes({ enrolmentId, canRecord }: { enrolmentId: string; canRecord: boolean }) {
  const t = useT();
  const list = useLoad(() => api.GET("/api/v1/enrolments/{id}/outcomes", { params: { path: { id: enrolmentId } } }), [enrolmentId]);
  const [open, setOpen] = useState(false);
  const [saved, setSaved] = useState(false);
  const [form, setForm] = useState({ point: "start" as Point, on: isoDate(), employment: "unemployed" as Employment, self: false, edu: false, danish: "" as Danish | "", hours: "" });
  const { run, busy, error } = useAction();
  const submission = useSubmissionKey();
  async function submit(e: FormEvent) {
    e.preventDefault();
    const res = await run(() =>
      api.POST("/api/v1/enrolments/{id}/outcomes", {
        params: { path: { id: enrolmentId }, header: { "Idempotency-Key": submission.value } },
        body: {
          measurement_point: form.point,
          measured_on: form.on,
          employment_status: form.employment,
          self_supporting: form.self,
          in_education: form.edu,
          danish_level: form.danish || null,
          weekly_hours: form.hours.trim() ? Number(form.hours.replace(",", ".")) : null,
        },
      }),
    );
    if (res) {
      submission.created();
      setSaved(true);
      setOpen(false);
      list.reload();
    }
  }
  const fe = error?.fields ?? {};
  return (
    <section aria-labelledby="outcomes-heading">
      <h2 id="outcomes-heading">{t.outcome.title}</h2>
      {saved ? <Alert variant="success">{t.outcome.saved}</Alert> : null}
      <ProblemAlert problem={list.error} />
      {list.data && !list.data.length ? <p>{t.outcome.none}</p> : null}
      {list.data?.length ? (
        <table className="table table--compact">
          <thead>
            <tr>
              <th scope="col">{t.outcome.point}</th>
              <th scope="col">{t.outcome.measuredOn}</th>
              <th scope="col">{t.outcome.employment}</th>
              <th scope="col">{t.outcome.selfSupporting}</th>
              <th scope="col">{t.outcome.inEducation}</th>
              <th scope="col">{t.outcome.danishLevel}</th>
            </tr>
          </thead>
          <tbody>
            {list.data.map((o) => (
              <tr key={o.id}>
                <th scope="row">{t.outcomes.points[o.measurement_point] ?? o.measurement_point}</th>
                <td>{formatDate(o.measured_on, t)}</td>
                <td>{t.codes.employment[o.employment_status] ?? o.employment_status}</td>
                <td>{o.self_supporting ? t.app.yes : t.app.no}</td>
                <td>{o.in_education ? t.app.yes : t.app.no}</td>
                <td>{o.danish_level ? t.codes.danishLevel[o.danish_level] : t.app.none}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      {canRecord ? (
        open ? (
          <form onSubmit={submit} noValidate>
            <ProblemAlert problem={error} fieldIds={{ measurement_point: "oc-point", measured_on: "oc-on", weekly_hours: "oc-hours" }} />
            <div className="filters-row">
              <SelectField id="oc-point" label={t.outcome.point} value={form.point} error={fe.measurement_point} onChange={(e) => setForm({ ...form, point: e.target.value as Point })}>
                {POINTS.map((p) => <option key={p} value={p}>{t.outcomes.points[p]}</option>)}
              </SelectField>
              <TextField id="oc-on" type="date" label={t.outcome.measuredOn} value={form.on} error={fe.measured_on} onChange={(e) => setForm({ ...form, on: e.target.value })} />
              <SelectField id="oc-employment" label={t.outcome.employment} value={form.employment} onChange={(e) => setForm({ ...form, employment: e.target.value as Employment })}>
                {EMPLOYMENT.map((c) => <option key={c} value={c}>{t.codes.employment[c]}</option>)}
              </SelectField>
              <SelectField id="oc-danish" label={t.outcome.danishLevel} value={form.danish} onChange={(e) => setForm({ ...form, danish: e.target.value as Danish | "" })}>
                <option value="">{t.app.none}</option>
                {DANISH_LEVELS.map((c) => <option key={c} value={c}>{t.codes.danishLevel[c]}</option>)}
              </SelectField>
              <TextField id="oc-hours" inputMode="decimal" label={t.outcome.weeklyHours} value={form.hours} error={fe.weekly_hours} className="input-width-xs"
                onChange={(e) => setForm({ ...form, hours: e.target.value })} />
            </div>
            <Checkbox id="oc-self" label={t.outcome.selfSupporting} checked={form.self} onChange={(e) => setForm({ ...form, self: e.target.checked })} />
            <Checkbox id="oc-edu" label={t.outcome.inEducation} checked={form.edu} onChange={(e) => setForm({ ...form, edu: e.target.checked })} />
            <div className="button-row">
              <button type="submit" className="button button-primary" disabled={busy}>{t.outcome.submit}</button>
              <button type="button" className="button button-tertiary" onClick={() => setOpen(false)}>{t.app.cancel}</button>
            </div>
          </form>
        ) : (
          <button type="button" className="button button-secondary" onClick={() => { setSaved(false); setOpen(true); }}>{t.outcome.record}</button>
        )
      ) : null}
    </section>
  );
}

export function RiskAssessments({ enrolmentId }: { enrolmentId: string }) {
  const t = useT();
  const list = useLoad(() => api.GET("/api/v1/enrolments/{id}/risk-assessments", { params: { path: { id: enrolmentId } } }), [enrolmentId]);
  const [level, setLevel] = useState<Level>("medium");
  const [summary, setSummary] = useState("");
  const [saved, setSaved] = useState(false);
  const { run, busy, error } = useAction();
  async function submit(e: FormEvent) {
    e.preventDefault();
    const res = await run(() =>
      api.POST("/api/v1/enrolments/{id}/risk-assessments", {
        params: { path: { id: enrolmentId } },
        body: { level, summary: summary.trim(), assessed_at: new Date().toISOString() },
      }),
    );
    if (res) {
      setSaved(true);
      setSummary("");
      list.reload();
    }
  }
  return (
    <section aria-labelledby="risk-heading">
      <h2 id="risk-heading">{t.risk.title}</h2>
      <Alert variant="info">{t.risk.barnetsLov}</Alert>
      {saved ? <Alert variant="success">{t.risk.saved}</Alert> : null}
      <ProblemAlert problem={list.error} />
      {list.data && !list.data.length ? <p>{t.risk.none}</p> : null}
      <ul className="nobullet-list">
        {list.data?.map((r) => (
          <li key={r.id} className="note-card">
            <p className="note-meta">
              <strong>{t.risk.levels[r.level] ?? r.level}</strong> · {formatDateTime(r.assessed_at, t)}
            </p>
            <p className="note-text">{r.summary}</p>
          </li>
        ))}
      </ul>
      <details className="details">
        <summary className="details-summary">{t.risk.record}</summary>
        <div className="details-text">
          <form onSubmit={submit} noValidate>
            <ProblemAlert problem={error} fieldIds={{ summary: "rk-summary", level: "rk-level" }} />
            <SelectField id="rk-level" label={t.risk.level} value={level} onChange={(e) => setLevel(e.target.value as Level)}>
              {LEVELS.map((l) => <option key={l} value={l}>{t.risk.levels[l]}</option>)}
            </SelectField>
            <TextArea id="rk-summary" label={t.risk.summary} value={summary} rows={3} required error={error?.fields.summary} onChange={(e) => setSummary(e.target.value)} />
            <button type="submit" className="button button-primary" disabled={busy}>{t.risk.submit}</button>
          </form>
        </div>
      </details>
    </section>
  );
}
