import type { EnrolmentView, MilestoneView } from "../api/types";
import { api } from "../api/client";
import { formatDate, useT } from "../i18n";
import { todayIso } from "../caseload/filters";
import { useAction } from "../lib/useLoad";
import { Badge, ProblemAlert } from "./feedback";
import { useState } from "react";

export function milestoneState(m: MilestoneView): "met" | "waived" | "overdue" | "open" {
  if (m.met_on) return "met";
  if (m.waived_reason) return "waived";
  return m.overdue ? "overdue" : "open";
}

/** Milestones with due dates and state; "mark as met" when allowed. */
export function Milestones({
  enrolment, canMeet, onChanged, compact = false,
}: { enrolment: EnrolmentView; canMeet: boolean; onChanged: (e: EnrolmentView) => void; compact?: boolean }) {
  const t = useT();
  const { run, busy, error } = useAction();
  const [done, setDone] = useState(false);
  const open = enrolment.status === "active" || enrolment.status === "paused" || enrolment.status === "referred";

  async function meet(m: MilestoneView) {
    setDone(false);
    const res = await run(() =>
      api.POST("/api/v1/enrolments/{id}/milestones/{milestone_id}/met", {
        params: { path: { id: enrolment.id, milestone_id: m.id } },
        body: { met_on: todayIso() },
      }),
    );
    if (res) {
      setDone(true);
      onChanged(res);
    }
  }

  const name = (m: MilestoneView) => (t.lang === "da" ? m.name_da : m.name_en);
  return (
    <>
      <ProblemAlert problem={error} />
      {done ? (
        <p role="status" className="sr-only">
          {t.enrolment.markedMet}
        </p>
      ) : null}
      {compact ? (
        <ul className="milestone-list">
          {enrolment.milestones.map((m) => {
            const s = milestoneState(m);
            return (
              <li key={m.id} className={`milestone milestone-${s}`}>
                <div>
                  <strong>{name(m)}</strong>
                  <br />
                  <span className="small-text">
                    {t.enrolment.due}: {formatDate(m.due_date, t)}
                  </span>{" "}
                  <StateBadge m={m} />
                </div>
                {canMeet && open && (s === "open" || s === "overdue") ? (
                  <button type="button" className="button button-secondary" disabled={busy}
                    aria-label={`${t.enrolment.markMet}: ${name(m)}`} onClick={() => void meet(m)}>
                    {t.enrolment.markMet}
                  </button>
                ) : null}
              </li>
            );
          })}
        </ul>
      ) : (
        <table className="table">
          <thead>
            <tr>
              <th scope="col">{t.enrolment.milestone}</th>
              <th scope="col">{t.enrolment.due}</th>
              <th scope="col">{t.enrolment.state}</th>
              {canMeet ? <td /> : null}
            </tr>
          </thead>
          <tbody>
            {enrolment.milestones.map((m) => {
              const s = milestoneState(m);
              return (
                <tr key={m.id} className={s === "overdue" ? "row-overdue" : undefined}>
                  <th scope="row">{name(m)}</th>
                  <td>{formatDate(m.due_date, t)}</td>
                  <td>
                    <StateBadge m={m} />
                  </td>
                  {canMeet ? (
                    <td>
                      {open && (s === "open" || s === "overdue") ? (
                        <button type="button" className="button button-tertiary" disabled={busy}
                          aria-label={`${t.enrolment.markMet}: ${name(m)}`} onClick={() => void meet(m)}>
                          {t.enrolment.markMet}
                        </button>
                      ) : null}
                    </td>
                  ) : null}
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </>
  );
}

function StateBadge({ m }: { m: MilestoneView }) {
  const t = useT();
  switch (milestoneState(m)) {
    case "met":
      return <Badge variant="success">{t.enrolment.met(formatDate(m.met_on, t))}</Badge>;
    case "waived":
      return <Badge variant="info">{t.enrolment.waived(m.waived_reason ?? "")}</Badge>;
    case "overdue":
      return <Badge variant="error">{t.enrolment.overdue}</Badge>;
    default:
      return <Badge variant="warning">{t.enrolment.open}</Badge>;
  }
}
