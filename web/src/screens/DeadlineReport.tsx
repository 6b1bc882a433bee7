import { useState, type FormEvent } from "react";
import { api, downloadCsv } from "../api/client";
import { describeProblem, type Described, type ProblemLike } from "../api/errors";
import type { components } from "../api/schema";
import { BarChart } from "../components/BarChart";
import { Count } from "../components/Count";
import { Loading, ProblemAlert } from "../components/feedback";
import { SelectField, TextField } from "../components/forms";
import { formatDate, useT } from "../i18n";
import { milestoneName, programmeName, useProgrammes } from "../lib/programmes";
import { Link } from "../lib/router";
import { useLoad } from "../lib/useLoad";
import { isoDate } from "../lib/dates";

type Report = components["schemas"]["DeadlineReport"];

export default function DeadlineReport() {
  const t = useT();
  const programmes = useProgrammes();
  const today = new Date();
  const [form, setForm] = useState({ from: isoDate(new Date(today.getFullYear(), 0, 1)), to: isoDate(today), programme: "" });
  const [query, setQuery] = useState(form);
  const [csvError, setCsvError] = useState<Described | null>(null);
  const q = { from: query.from, to: query.to, programme: query.programme || undefined };
  const report = useLoad(() => api.GET("/api/v1/reports/deadlines", { params: { query: q } }), [query]);
  const data: Report | undefined = typeof report.data === "string" ? undefined : report.data;

  function submit(e: FormEvent) {
    e.preventDefault();
    setQuery(form);
  }
  async function csv() {
    setCsvError(null);
    const res = await downloadCsv("/api/v1/reports/deadlines", "frister.csv", q).catch(() => ({ ok: false as const, status: 0 }));
    if (!res.ok) setCsvError(describeProblem((res as { problem?: unknown }).problem as ProblemLike, res.status, t));
  }
  const rows = data?.milestones ?? [];
  return (
    <>
      <h1>{t.deadlines.title}</h1>
      <p className="font-lead">{t.deadlines.intro}</p>
      <form onSubmit={submit} noValidate className="filters-row">
        <TextField id="dl-from" type="date" label={t.deadlines.from} value={form.from} onChange={(e) => setForm({ ...form, from: e.target.value })} />
        <TextField id="dl-to" type="date" label={t.deadlines.to} value={form.to} onChange={(e) => setForm({ ...form, to: e.target.value })} />
        <SelectField id="dl-programme" label={t.deadlines.programme} value={form.programme} onChange={(e) => setForm({ ...form, programme: e.target.value })}>
          <option value="">{t.caseload.allProgrammes}</option>
          {programmes.filter((p) => p.milestone_rules.length).map((p) => (
            <option key={p.code} value={p.code}>{t.lang === "da" ? p.name_da : p.name_en}</option>
          ))}
        </SelectField>
        <div className="form-group"><button type="submit" className="button button-primary">{t.deadlines.show}</button></div>
      </form>
      <button type="button" className="button button-secondary" onClick={() => void csv()}>{t.report.downloadCsv}</button>
      <ProblemAlert problem={report.error ?? csvError} />
      {report.loading && !data ? <Loading /> : null}
      {data && !rows.length ? <p>{t.deadlines.none}</p> : null}
      {rows.length ? (
        <>
          <BarChart
            title={t.deadlines.chartTitle}
            desc={t.report.chartDesc}
            labels={rows.map((r) => milestoneName(programmes, r.programme_code, r.milestone_code, t))}
            series={[{ name: t.deadlines.share, className: "bar-open" }]}
            values={rows.map((r) => [Math.round(r.share_met_on_time_pct ?? 0)])}
          />
          <div className="table--responsive-scroll">
            <table className="table table--zebra table--compact">
              <thead>
                <tr>
                  <th scope="col">{t.deadlines.programme}</th>
                  <th scope="col">{t.deadlines.milestone}</th>
                  <th scope="col">{t.deadlines.due}</th>
                  <th scope="col">{t.deadlines.metOnTime}</th>
                  <th scope="col">{t.deadlines.metLate}</th>
                  <th scope="col">{t.deadlines.overdue}</th>
                  <th scope="col">{t.deadlines.waived}</th>
                  <th scope="col">{t.deadlines.share}</th>
                </tr>
              </thead>
              <tbody>
                {rows.map((r) => (
                  <tr key={`${r.programme_code}-${r.milestone_code}`}>
                    <td>{programmeName(programmes, r.programme_code, t)}</td>
                    <th scope="row">{milestoneName(programmes, r.programme_code, r.milestone_code, t)}</th>
                    <td><Count value={r.due} /></td>
                    <td><Count value={r.met_on_time} /></td>
                    <td><Count value={r.met_late} /></td>
                    <td><Count value={r.overdue} /></td>
                    <td><Count value={r.waived} /></td>
                    <td>{r.share_met_on_time_pct == null ? t.app.none : `${r.share_met_on_time_pct.toFixed(0)} %`}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      ) : null}
      {data?.overdue?.length ? (
        <section aria-labelledby="overdue-heading">
          <h2 id="overdue-heading">{t.deadlines.overdueList}</h2>
          <table className="table table--compact">
            <thead>
              <tr>
                <th scope="col">{t.deadlines.milestone}</th>
                <th scope="col">{t.enrolment.due}</th>
                <th scope="col">{t.deadlines.daysOverdue}</th>
              </tr>
            </thead>
            <tbody>
              {data.overdue.slice(0, 200).map((o) => (
                <tr key={`${o.enrolment_id}-${o.milestone_code}`}>
                  <th scope="row">
                    <Link href={`/forloeb/${o.enrolment_id}`}>
                      {programmeName(programmes, o.programme_code, t)}: {milestoneName(programmes, o.programme_code, o.milestone_code, t)}
                    </Link>
                  </th>
                  <td>{formatDate(o.due_date, t)}</td>
                  <td>{o.days_overdue}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      ) : null}
    </>
  );
}
