import { useState, type FormEvent } from "react";
import { api, downloadCsv } from "../api/client";
import { describeProblem, type Described, type ProblemLike } from "../api/errors";
import type { components } from "../api/schema";
import { BarChart } from "../components/BarChart";
import { Loading, ProblemAlert } from "../components/feedback";
import { SelectField } from "../components/forms";
import { useT } from "../i18n";
import type { Messages } from "../i18n/da";
import { useProgrammes } from "../lib/programmes";
import { useLoad } from "../lib/useLoad";

type Report = components["schemas"]["OutcomeReport"];
type Cell = components["schemas"]["OutcomeCell"];

/** The whole periods the API accepts (issue 10, door 11): this year and the
 * two before, each as the year, its halves and its quarters. */
export function wholePeriods(year: number): string[] {
  return [year, year - 1, year - 2].flatMap((y) => [`${y}`, `${y}-H1`, `${y}-H2`, `${y}-Q1`, `${y}-Q2`, `${y}-Q3`, `${y}-Q4`]);
}
const pct = (v: number | null | undefined, t: Messages) => (v == null ? t.app.none : `${v.toFixed(1)} %`);

/** The API's reasons (English, stable) in the chosen language. */
function suppressionReason(why: string, t: Messages): string {
  if (/fewer than 5 people/i.test(why)) return t.outcomes.fewerThan5;
  if (/subtraction/i.test(why)) return t.outcomes.bySubtraction;
  return why;
}

function groupLabel(g: string, t: Messages) {
  return t.outcomes.groups[g] ?? t.codes.district[g] ?? g;
}

export default function OutcomeReport() {
  const t = useT();
  const programmes = useProgrammes();
  const today = new Date();
  const [form, setForm] = useState({ period: `${today.getFullYear()}`, programme: "" });
  const [query, setQuery] = useState(form);
  const [csvError, setCsvError] = useState<Described | null>(null);
  const q = { period: query.period, programme: query.programme || undefined };
  const report = useLoad(() => api.GET("/api/v1/reports/outcomes", { params: { query: q } }), [query]);
  const data: Report | undefined = typeof report.data === "string" ? undefined : report.data;

  async function csv() {
    setCsvError(null);
    const res = await downloadCsv("/api/v1/reports/outcomes", "resultater.csv", q).catch(() => ({ ok: false as const, status: 0 }));
    if (!res.ok) setCsvError(describeProblem((res as { problem?: unknown }).problem as ProblemLike, res.status, t));
  }
  function submit(e: FormEvent) {
    e.preventDefault();
    setQuery(form);
  }
  return (
    <>
      <h1>{t.outcomes.title}</h1>
      <p className="font-lead">{t.outcomes.intro}</p>
      <form onSubmit={submit} noValidate className="filters-row">
        <SelectField id="oc-period" label={t.outcomes.period} hint={t.outcomes.periodHint} value={form.period} onChange={(e) => setForm({ ...form, period: e.target.value })}>
          {wholePeriods(today.getFullYear()).map((p) => <option key={p} value={p}>{t.outcomes.periodLabel(p)}</option>)}
        </SelectField>
        <SelectField id="oc-programme" label={t.deadlines.programme} value={form.programme} onChange={(e) => setForm({ ...form, programme: e.target.value })}>
          <option value="">{t.caseload.allProgrammes}</option>
          {programmes.map((p) => <option key={p.code} value={p.code}>{t.lang === "da" ? p.name_da : p.name_en}</option>)}
        </SelectField>
        <div className="form-group"><button type="submit" className="button button-primary">{t.deadlines.show}</button></div>
      </form>
      <button type="button" className="button button-secondary" onClick={() => void csv()}>{t.report.downloadCsv}</button>
      <ProblemAlert problem={report.error ?? csvError} />
      {report.loading && !data ? <Loading /> : null}
      {data ? (
        <>
          <p className="small-text">
            {t.outcomes.baselines(data.baselines.period)}: {t.outcomes.groups.dansk_oprindelse} {data.baselines.danish_background_pct} % ·{" "}
            {t.outcomes.groups.ikke_vestlig} {data.baselines.non_western_pct} % · MENAPT {data.baselines.menapt_pct} %
          </p>
          {!data.points.length ? <p>{t.outcomes.none}</p> : null}
          {data.points.map((p) => {
            const cells: { label: string; cell: Cell }[] = [
              { label: t.outcomes.groups.total, cell: p.total },
              ...p.breakdowns.flatMap((b) => b.groups.map((g) => ({ label: `${t.outcomes.dimension[b.dimension] ?? b.dimension}: ${groupLabel(g.group, t)}`, cell: g }))),
            ];
            const pointName = t.outcomes.points[p.measurement_point] ?? p.measurement_point;
            return (
              <section key={p.measurement_point} aria-labelledby={`pt-${p.measurement_point}`}>
                <h2 id={`pt-${p.measurement_point}`}>{pointName}</h2>
                <BarChart
                  title={t.outcomes.chartTitle(pointName.toLowerCase())}
                  desc={t.report.chartDesc}
                  labels={cells.map((c) => c.label)}
                  series={[
                    { name: t.outcomes.wage, className: "bar-open" },
                    { name: t.outcomes.baseline, className: "bar-baseline" },
                  ]}
                  values={cells.map((c) =>
                    c.cell.suppressed ? [null, undefined] : [c.cell.wage_employment_pct ?? undefined, c.cell.baseline_pct ?? undefined],
                  )}
                  nullLabel={t.outcomes.suppressed}
                  max={100}
                />
                <div className="table--responsive-scroll">
                  <table className="table table--zebra table--compact">
                    <caption className="sr-only">{pointName}</caption>
                    <thead>
                      <tr>
                        <th scope="col">{t.outcomes.group}</th>
                        <th scope="col">{t.outcomes.people}</th>
                        <th scope="col">{t.outcomes.wage}</th>
                        <th scope="col">{t.outcomes.selfSupporting}</th>
                        <th scope="col">{t.outcomes.education}</th>
                        <th scope="col">{t.outcomes.danishA2}</th>
                        <th scope="col">{t.outcomes.danishB1}</th>
                        <th scope="col">{t.outcomes.baseline}</th>
                        <th scope="col">{t.outcomes.gap}</th>
                      </tr>
                    </thead>
                    <tbody>
                      {cells.map(({ label, cell }) => (
                        <tr key={label}>
                          <th scope="row">{label}</th>
                          {cell.suppressed ? (
                            <td colSpan={8} className="cell-suppressed">{t.outcomes.suppressedWhy(suppressionReason(cell.suppressed, t))}</td>
                          ) : (
                            <>
                              <td>{cell.people ?? t.app.none}</td>
                              <td>{pct(cell.wage_employment_pct, t)}</td>
                              <td>{pct(cell.self_supporting_pct, t)}</td>
                              <td>{pct(cell.in_education_pct, t)}</td>
                              <td>{pct(cell.danish_a2_or_above_pct, t)}</td>
                              <td>{pct(cell.danish_b1_or_above_pct, t)}</td>
                              <td>{pct(cell.baseline_pct, t)}</td>
                              <td>{cell.gap_pp == null ? t.app.none : cell.gap_pp.toFixed(1)}</td>
                            </>
                          )}
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </div>
              </section>
            );
          })}
        </>
      ) : null}
    </>
  );
}
