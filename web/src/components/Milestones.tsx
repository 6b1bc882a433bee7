import type { EnrolmentView, MilestoneView } from "../api/types";
import { api } from "../api/client";
import { formatDate, useT } from "../i18n";
import { useAction } from "../lib/useLoad";
import { Badge, ProblemAlert } from "./feedback";
import { useState, type FormEvent } from "react";
import { TextField } from "./forms";
import { isoDate } from "../lib/dates";

export function milestoneState(m: MilestoneView): "met" | "waived" | "overdue" | "open" {
  if (m.met_on) return "met";
  if (m.waived_reason) return "waived";
  return m.overdue ? "overdue" : "open";
}

/** Milestones with due dates and state; "mark as met" when allowed. */
export function Milestones({
  enrolment, canMeet, canWaive = false, onChanged, compact = false,
}: { enrolment: EnrolmentView; canMeet: boolean; canWaive?: boolean; onChanged: (e: EnrolmentView) => void; compact?: boolean }) {
  const t = useT();
  const { run, busy, error } = useAction();
  const [done, setDone] = useState(false);
  const [waiving, setWaiving] = useState<MilestoneView | null>(null);
  const [waiveReason, setWaiveReason] = useState("");
  const [waived, setWaived] = useState(false);

  async function waive(e: FormEvent) {
    e.preventDefault();
    if (!waiving) return;
    const res = await run(() =>
      api.POST("/api/v1/enrolments/{id}/milestones/{milestone_id}/waive", {
        params: { path: { id: enrolment.id, milestone_id: waiving.id } },
        body: { reason: waiveReason.trim() },
      }),
    );
    if (res) {
      setWaiving(null);
      setWaiveReason("");
      setWaived(true);
      onChanged(res);
    }
  }
  const open = enrolment.status === "active" || enrolment.status === "paused" || enrolment.status === "referred";

  async function meet(m: MilestoneView) {
    setDone(false);
    const res = await run(() =>
      api.POST("/api/v1/enrolments/{id}/milestones/{milestone_id}/met", {
        params: { path: { id: enrolment.id, milestone_id: m.id } },
        body: { met_on: isoDate() },
      }),
    );
    if (res) {
      setDone(true);
      onChanged(res);
    }
  }

  const name = (m: MilestoneView) => (t.lang === "da" ? m.name_da : m.name_en);
  if (!enrolment.milestones.length) return <p>{t.enrolment.noMilestones}</p>;
  return (
    <>
      <ProblemAlert problem={error} />
      {done ? (
        <p role="status" className="sr-only">
          {t.enrolment.markedMet}
        </p>
      ) : null}
      {waived ? <p role="status" className="small-text">{t.waive.done}</p> : null}
      {waiving ? (
        <form onSubmit={waive} noValidate className="waive-form">
          <TextField id="waive-reason" label={`${t.waive.reason}: ${t.lang === "da" ? waiving.name_da : waiving.name_en}`} value={waiveReason}
            required autoFocus error={error?.fields.reason} onChange={(e) => setWaiveReason(e.target.value)} />
          <div className="button-row">
            <button type="submit" className="button button-primary" disabled={busy}>{t.waive.submit}</button>
            <button type="button" className="button button-tertiary" onClick={() => setWaiving(null)}>{t.app.cancel}</button>
          </div>
        </form>
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
                        <>
                          <button type="button" className="button button-tertiary" disabled={busy}
                            aria-label={`${t.enrolment.markMet}: ${name(m)}`} onClick={() => void meet(m)}>
                            {t.enrolment.markMet}
                          </button>
                          {canWaive ? (
                            <button type="button" className="button button-tertiary" disabled={busy}
                              aria-label={`${t.waive.action}: ${name(m)}`} onClick={() => { setWaived(false); setWaiving(m); }}>
                              {t.waive.action}
                            </button>
                          ) : null}
                        </>
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
