import { api } from "../api/client";
import { Badge, Loading, ProblemAlert } from "../components/feedback";
import { formatDate, useT } from "../i18n";
import { milestoneName, programmeName, useProgrammes } from "../lib/programmes";
import { Link } from "../lib/router";
import { useLoad } from "../lib/useLoad";
import { useAuth } from "../lib/auth";
import { useQueued } from "../offline/sync";
import { PAGE_SIZE } from "../caseload/filters";

/** The mentor's mentees: GET /caseload answers a mentor's own mentees. */
export default function Mentees() {
  const t = useT();
  const { me } = useAuth();
  const programmes = useProgrammes();
  const { data, error, loading } = useLoad(() => api.GET("/api/v1/caseload", { params: { query: { limit: PAGE_SIZE } } }), []);
  const queued = useQueued(me?.id ?? null);
  return (
    <div className="phone-screen">
      <h1>{t.mentor.title}</h1>
      <p>{t.mentor.intro}</p>
      {queued.length ? (
        <p className="pending-summary" role="status">
          <Badge variant="warning">{t.enrolment.pendingCount(queued.length)}</Badge>
        </p>
      ) : null}
      <ProblemAlert problem={error} />
      {loading && !data ? <Loading /> : null}
      {data && !data.items.length ? <p>{t.mentor.empty}</p> : null}
      {data ? (
        <ul className="mentee-list">
          {data.items.map((it) => (
            <li key={it.enrolment_id}>
              <Link className="mentee-card" href={`/mentees/${it.enrolment_id}`}>
                <span className="mentee-name">
                  {it.given_name} {it.family_name}
                </span>
                <span className="small-text">{programmeName(programmes, it.programme_code, t)}</span>
                {it.next_due_date ? (
                  <span className="small-text">
                    {t.caseload.nextDeadline}: {formatDate(it.next_due_date, t)}{" "}
                    {milestoneName(programmes, it.programme_code, it.next_due_milestone, t)}
                  </span>
                ) : null}
                {it.overdue_milestones > 0 ? <Badge variant="error">{t.caseload.overdueCount(it.overdue_milestones)}</Badge> : null}
              </Link>
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}
