import { useState, type FormEvent } from "react";
import { api, downloadCsv } from "../api/client";
import { describeProblem, type Described, type ProblemLike } from "../api/errors";
import type { CaseloadReport as Report, CaseworkerLoad } from "../api/types";
import { BarChart } from "../components/BarChart";
import { Count } from "../components/Count";
import { Alert, Loading, ProblemAlert } from "../components/feedback";
import { Checkbox, SelectField, TextField } from "../components/forms";
import { Pagination } from "../components/Pagination";
import { FIRST_PAGE, PAGE_SIZE, currentCursor, nextPage, previousPage, type Pager } from "../caseload/filters";
import { formatDate, formatDateTime, useT } from "../i18n";
import { programmeName, useProgrammes } from "../lib/programmes";
import { Link } from "../lib/router";
import { useStaffWithRole } from "../lib/staff";
import { useAction, useLoad } from "../lib/useLoad";

/** Caseworker rows per page of the report (the teams and totals are whole). */
const REPORT_PAGE = 50;

export default function CaseloadReport() {
  const t = useT();
  const [pager, setPager] = useState<Pager>(FIRST_PAGE);
  const cursor = currentCursor(pager);
  const report = useLoad(
    () => api.GET("/api/v1/reports/caseload", { params: { query: { limit: REPORT_PAGE, cursor: cursor ?? undefined } } }),
    [cursor],
  );
  // The operation also answers text/csv; as JSON it is the report.
  const data: Report | undefined = typeof report.data === "string" ? undefined : report.data;
  const [csvError, setCsvError] = useState<Described | null>(null);

  async function csv() {
    setCsvError(null);
    try {
      const res = await downloadCsv("/api/v1/reports/caseload", "sagsstamme.csv");
      if (!res.ok) setCsvError(describeProblem(res.problem as ProblemLike, res.status, t));
    } catch {
      setCsvError(describeProblem(undefined, 0, t));
    }
  }

  return (
    <>
      <h1>{t.report.title}</h1>
      <p className="font-lead">{t.report.intro}</p>
      <ProblemAlert problem={report.error ?? csvError} />
      {report.loading && !data ? <Loading /> : null}
      {data ? (
        <>
          <p className="small-text">{t.report.asOf(formatDateTime(data.as_of, t))}</p>
          <button type="button" className="button button-secondary" onClick={() => void csv()}>
            {t.report.downloadCsv}
          </button>
          <ReportBody report={data} pager={pager} onPage={setPager} />
          <Reassign caseworkers={data.caseworkers} onMoved={report.reload} />
        </>
      ) : null}
    </>
  );
}

function ReportBody({ report, pager, onPage }: { report: Report; pager: Pager; onPage: (p: Pager) => void }) {
  const t = useT();
  // In the API's order: by name, a page at a time.
  const cws = report.caseworkers;
  return (
    <>
      <section aria-labelledby="chart-heading">
        <h2 id="chart-heading">{t.report.caseworkers}</h2>
        <BarChart
          title={t.report.chartTitle}
          desc={t.report.chartDesc}
          labels={cws.map((c) => c.full_name)}
          series={[
            { name: t.report.legendOpen, className: "bar-open" },
            { name: t.report.legendOverdue, className: "bar-overdue" },
            { name: t.report.legendSilent, className: "bar-silent" },
          ]}
          values={cws.map((c) => [c.open, c.overdue_milestones, c.silent_30_days])}
          nullLabel={t.outcomes.suppressed}
        />
        <div className="table--responsive-scroll">
          <table className="table table--zebra table--compact">
            <caption className="sr-only">{t.report.caseworkers}</caption>
            <thead>
              <tr>
                <th scope="col">{t.report.caseworker}</th>
                <th scope="col">{t.report.open}</th>
                <th scope="col">{t.report.overdue}</th>
                <th scope="col">{t.report.silent30}</th>
                <th scope="col">{t.report.silent60}</th>
                <th scope="col">{t.report.silent90}</th>
                <th scope="col">{t.report.withoutMentor}</th>
              </tr>
            </thead>
            <tbody>
              {cws.map((c) => (
                <tr key={c.caseworker_id}>
                  <th scope="row">{c.full_name}</th>
                  <td><Count value={c.open} /></td>
                  <td><Count value={c.overdue_milestones} /></td>
                  <td><Count value={c.silent_30_days} /></td>
                  <td><Count value={c.silent_60_days} /></td>
                  <td><Count value={c.silent_90_days} /></td>
                  <td><Count value={c.without_required_mentor} /></td>
                </tr>
              ))}
              <tr className="row-total">
                <th scope="row">{t.report.totals}</th>
                <td><Count value={report.totals.open} /></td>
                <td><Count value={report.totals.overdue_milestones} /></td>
                <td><Count value={report.totals.silent_30_days} /></td>
                <td><Count value={report.totals.silent_60_days} /></td>
                <td><Count value={report.totals.silent_90_days} /></td>
                <td><Count value={report.totals.without_required_mentor} /></td>
              </tr>
            </tbody>
          </table>
        </div>
        <Pagination label={t.report.caseworkers} index={pager.index} hasNext={!!report.next_cursor}
          onPrevious={() => onPage(previousPage(pager))} onNext={() => onPage(nextPage(pager, report.next_cursor))} />
      </section>
      <section aria-labelledby="teams-heading">
        <h2 id="teams-heading">{t.report.teams}</h2>
        <div className="table--responsive-scroll">
          <table className="table table--zebra table--compact">
            <thead>
              <tr>
                <th scope="col">{t.report.team}</th>
                <th scope="col">{t.report.open}</th>
                <th scope="col">{t.report.overdue}</th>
                <th scope="col">{t.report.silent30}</th>
                <th scope="col">{t.report.withoutMentor}</th>
                <th scope="col">{t.report.grants}</th>
              </tr>
            </thead>
            <tbody>
              {report.teams.map((tm) => (
                <tr key={tm.team_id}>
                  <th scope="row">
                    {tm.name}
                    {tm.restricted ? ` (${t.report.restricted})` : ""}
                  </th>
                  <td><Count value={tm.open} /></td>
                  <td><Count value={tm.overdue_milestones} /></td>
                  <td><Count value={tm.silent_30_days} /></td>
                  <td><Count value={tm.without_required_mentor} /></td>
                  <td><Count value={tm.grants_awaiting_review} /></td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>
    </>
  );
}

/** Reassign selected enrolments (one page of the caseworker's caseload) or all of them. */
function Reassign({ caseworkers, onMoved }: { caseworkers: CaseworkerLoad[]; onMoved: () => void }) {
  const t = useT();
  const programmes = useProgrammes();
  const [from, setFrom] = useState("");
  const [to, setTo] = useState("");
  const [reason, setReason] = useState("");
  const [all, setAll] = useState(false);
  const [selected, setSelected] = useState<string[]>([]);
  const [pager, setPager] = useState<Pager>(FIRST_PAGE);
  const [moved, setMoved] = useState<number | null>(null);
  const [tick, setTick] = useState(0);
  const cursor = currentCursor(pager);
  const list = useLoad(
    from
      ? () => api.GET("/api/v1/caseload", { params: { query: { caseworker_id: from, limit: PAGE_SIZE, cursor: cursor ?? undefined } } })
      : null,
    [from, cursor, tick],
  );
  const { run, busy, error } = useAction();
  const sorted = [...caseworkers].sort((a, b) => a.full_name.localeCompare(b.full_name));
  // Any active caseworker of the department may take the cases, not only
  // those on this page of the report.
  const targets = useStaffWithRole("caseworker");

  async function submit(e: FormEvent) {
    e.preventDefault();
    setMoved(null);
    const res = await run(() =>
      api.POST("/api/v1/reports/caseload/reassign", {
        body: all
          ? { from_caseworker_id: from, to_caseworker_id: to, reason: reason.trim() }
          : { enrolment_ids: selected, to_caseworker_id: to, reason: reason.trim() },
      }),
    );
    if (res) {
      setMoved(res.moved);
      setSelected([]);
      setAll(false);
      setReason("");
      setPager(FIRST_PAGE);
      setTick((n) => n + 1);
      onMoved();
    }
  }

  const canSubmit = !!from && !!to && from !== to && !!reason.trim() && (all || selected.length > 0);
  return (
    <section aria-labelledby="reassign-heading" className="reassign">
      <h2 id="reassign-heading">{t.report.reassignTitle}</h2>
      <p>{t.report.reassignIntro}</p>
      <ProblemAlert problem={error} fieldIds={{ to_caseworker_id: "ra-to", reason: "ra-reason" }} />
      {moved != null ? <Alert variant="success">{t.report.reassignDone(moved)}</Alert> : null}
      <SelectField id="ra-from" label={t.report.reassignFrom} value={from}
        onChange={(e) => { setFrom(e.target.value); setSelected([]); setPager(FIRST_PAGE); }}>
        <option value="">{t.report.chooseCaseworker}</option>
        {sorted.map((c) => (
          <option key={c.caseworker_id} value={c.caseworker_id}>
            {c.full_name} ({c.open ?? t.outcomes.suppressed})
          </option>
        ))}
      </SelectField>
      {from && list.data ? (
        <>
          <table className="table table--compact">
            <caption className="sr-only">{t.report.caseloadOf}</caption>
            <thead>
              <tr>
                <th scope="col">{t.report.select}</th>
                <th scope="col">{t.caseload.citizen}</th>
                <th scope="col">{t.caseload.programme}</th>
                <th scope="col">{t.caseload.nextDeadline}</th>
              </tr>
            </thead>
            <tbody>
              {list.data.items.map((it) => {
                const name = `${it.given_name} ${it.family_name}`;
                return (
                  <tr key={it.enrolment_id}>
                    <td>
                      <input type="checkbox" className="form-checkbox-plain" aria-label={t.report.selectRow(name)}
                        checked={selected.includes(it.enrolment_id)} disabled={all}
                        onChange={(e) => setSelected(e.target.checked ? [...selected, it.enrolment_id] : selected.filter((x) => x !== it.enrolment_id))} />
                    </td>
                    <th scope="row">
                      <Link href={`/forloeb/${it.enrolment_id}`}>{name}</Link>
                    </th>
                    <td>{programmeName(programmes, it.programme_code, t)}</td>
                    <td>{formatDate(it.next_due_date, t)}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
          <Pagination label={t.report.caseloadOf} index={pager.index} hasNext={!!list.data.next_cursor}
            onPrevious={() => setPager(previousPage(pager))} onNext={() => setPager(nextPage(pager, list.data?.next_cursor))} />
        </>
      ) : null}
      <form onSubmit={submit} noValidate>
        <Checkbox id="ra-all" label={t.report.reassignAll} checked={all} disabled={!from} onChange={(e) => setAll(e.target.checked)} />
        <SelectField id="ra-to" label={t.report.reassignTo} value={to} required error={error?.fields.to_caseworker_id}
          onChange={(e) => setTo(e.target.value)}>
          <option value="">{t.report.chooseCaseworker}</option>
          {(targets ?? []).filter((c) => c.id !== from).map((c) => (
            <option key={c.id} value={c.id}>
              {c.full_name}
            </option>
          ))}
        </SelectField>
        <TextField id="ra-reason" label={t.report.reassignReason} value={reason} required error={error?.fields.reason}
          onChange={(e) => setReason(e.target.value)} />
        <button type="submit" className="button button-primary" disabled={busy || !canSubmit}>
          {all ? t.report.reassignAll : t.report.reassignSelected(selected.length)}
        </button>
      </form>
    </section>
  );
}
