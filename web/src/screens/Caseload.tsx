import { useState } from "react";
import { api } from "../api/client";
import { CaseloadFiltersForm } from "../caseload/CaseloadFiltersForm";
import {
  EMPTY_FILTERS, FIRST_PAGE, currentCursor, isOverdue, nextPage, previousPage, toQuery,
  type CaseloadFilters, type Pager,
} from "../caseload/filters";
import { Badge, Loading, ProblemAlert } from "../components/feedback";
import { Pagination } from "../components/Pagination";
import { formatDate, useT } from "../i18n";
import { useAuth } from "../lib/auth";
import { milestoneName, programmeName, useProgrammes } from "../lib/programmes";
import { Link } from "../lib/router";
import { useLoad } from "../lib/useLoad";
import { isoDate } from "../lib/dates";

export default function Caseload() {
  const t = useT();
  const { has } = useAuth();
  const programmes = useProgrammes();
  const [filters, setFilters] = useState<CaseloadFilters>(EMPTY_FILTERS);
  const [pager, setPager] = useState<Pager>(FIRST_PAGE);
  const cursor = currentCursor(pager);
  const { data, error, loading } = useLoad(
    () => api.GET("/api/v1/caseload", { params: { query: toQuery(filters, cursor) } }),
    [filters, cursor],
  );
  const today = isoDate();
  const managerView = has("manager") && !has("caseworker");

  return (
    <>
      <h1>{managerView ? t.caseload.titleManager : t.caseload.title}</h1>
      <p className="font-lead">{t.caseload.intro}</p>
      <details className="details" open>
        <summary className="details-summary">{t.caseload.filters}</summary>
        <div className="details-text">
          <CaseloadFiltersForm
            value={filters}
            programmes={programmes}
            onApply={(f) => {
              setFilters(f);
              setPager(FIRST_PAGE);
            }}
          />
        </div>
      </details>
      <ProblemAlert problem={error} />
      {loading && !data ? <Loading /> : null}
      {data ? (
        data.items.length === 0 ? (
          <p className="empty">{t.caseload.empty}</p>
        ) : (
          <>
            <p className="small-text" aria-live="polite">
              {t.caseload.shown(data.items.length)}
            </p>
            <div className="table--responsive-scroll">
              <table className="table table--zebra caseload-table" aria-busy={loading}>
                <caption className="sr-only">{t.caseload.caption}</caption>
                <thead>
                  <tr>
                    <th scope="col">{t.caseload.citizen}</th>
                    <th scope="col">{t.caseload.programme}</th>
                    <th scope="col">{t.caseload.status}</th>
                    <th scope="col">{t.caseload.nextDeadline}</th>
                    <th scope="col">{t.caseload.lastNote}</th>
                  </tr>
                </thead>
                <tbody>
                  {data.items.map((it) => {
                    const overdue = isOverdue(it, today);
                    return (
                      <tr key={it.enrolment_id} className={overdue ? "row-overdue" : undefined}>
                        <th scope="row">
                          <Link href={`/forloeb/${it.enrolment_id}`}>
                            {it.given_name} {it.family_name}
                          </Link>
                        </th>
                        <td>{programmeName(programmes, it.programme_code, t)}</td>
                        <td>{t.codes.status[it.status]}</td>
                        <td>
                          {it.next_due_date ? (
                            <>
                              <span className={overdue ? "text-overdue" : undefined}>{formatDate(it.next_due_date, t)}</span>
                              <br />
                              <span className="small-text">
                                {milestoneName(programmes, it.programme_code, it.next_due_milestone, t)}
                              </span>
                            </>
                          ) : (
                            <span className="small-text">{t.caseload.noDeadline}</span>
                          )}
                          {it.overdue_milestones > 0 ? (
                            <>
                              <br />
                              <Badge variant="error">{t.caseload.overdueCount(it.overdue_milestones)}</Badge>
                            </>
                          ) : null}
                        </td>
                        <td>
                          {it.days_since_last_note == null ? t.caseload.noNote : t.caseload.daysAgo(it.days_since_last_note)}
                        </td>
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            </div>
            <Pagination
              label={t.caseload.caption}
              index={pager.index}
              hasNext={!!data.next_cursor}
              onPrevious={() => setPager(previousPage(pager))}
              onNext={() => setPager(nextPage(pager, data.next_cursor))}
            />
          </>
        )
      ) : null}
    </>
  );
}
