import { useState, type FormEvent } from "react";
import { api } from "../api/client";
import type { components } from "../api/schema";
import { Alert, Badge, Loading, ProblemAlert } from "../components/feedback";
import { SelectField, TextField } from "../components/forms";
import { Pagination } from "../components/Pagination";
import { FIRST_PAGE, PAGE_SIZE, currentCursor, nextPage, previousPage, type Pager } from "../caseload/filters";
import { formatDateTime, useT } from "../i18n";
import { programmeName, useProgrammes } from "../lib/programmes";
import { Link, navigate } from "../lib/router";
import { useAction, useLoad } from "../lib/useLoad";

type Referral = components["schemas"]["ReferralView"];
type Direction = components["schemas"]["ReferralDirection"];
type RStatus = components["schemas"]["ReferralStatus"];
const STATUSES: RStatus[] = ["sent", "accepted", "declined", "completed", "withdrawn"];

export default function Referrals() {
  const t = useT();
  const [direction, setDirection] = useState<Direction>("incoming");
  const [status, setStatus] = useState<RStatus | "">("sent");
  const [pager, setPager] = useState<Pager>(FIRST_PAGE);
  const [tick, setTick] = useState(0);
  const [done, setDone] = useState<string | null>(null);
  const cursor = currentCursor(pager);
  const list = useLoad(
    () => api.GET("/api/v1/referrals", { params: { query: { direction, status: status || undefined, limit: PAGE_SIZE, cursor: cursor ?? undefined } } }),
    [direction, status, cursor, tick],
  );
  const changed = (msg: string) => {
    setDone(msg);
    setTick((n) => n + 1);
  };
  return (
    <>
      <h1>{t.referral.title}</h1>
      <p className="font-lead">{t.referral.intro}</p>
      <div className="tab-like" role="group" aria-label={t.referral.title}>
        {(["incoming", "outgoing"] as Direction[]).map((d) => (
          <button key={d} type="button" aria-pressed={direction === d}
            className={`button ${direction === d ? "button-primary" : "button-secondary"}`}
            onClick={() => { setDirection(d); setPager(FIRST_PAGE); setDone(null); }}>
            {d === "incoming" ? t.referral.incoming : t.referral.outgoing}
          </button>
        ))}
      </div>
      <SelectField id="rf-status" label={t.referral.status} value={status}
        onChange={(e) => { setStatus(e.target.value as RStatus | ""); setPager(FIRST_PAGE); }}>
        <option value="">{t.referral.allStatuses}</option>
        {STATUSES.map((s) => <option key={s} value={s}>{t.referral.statuses[s]}</option>)}
      </SelectField>
      {done ? <Alert variant="success">{done}</Alert> : null}
      <ProblemAlert problem={list.error} />
      {list.loading && !list.data ? <Loading /> : null}
      {list.data && !list.data.items.length ? <p>{t.referral.none}</p> : null}
      <ul className="nobullet-list">
        {list.data?.items.map((r) => <ReferralCard key={r.id} r={r} direction={direction} onChanged={changed} />)}
      </ul>
      {list.data ? (
        <Pagination label={t.referral.title} index={pager.index} hasNext={!!list.data.next_cursor}
          onPrevious={() => setPager(previousPage(pager))} onNext={() => setPager(nextPage(pager, list.data?.next_cursor))} />
      ) : null}
    </>
  );
}

function ReferralCard({ r, direction, onChanged }: { r: Referral; direction: Direction; onChanged: (msg: string) => void }) {
  const t = useT();
  const programmes = useProgrammes();
  const [declining, setDeclining] = useState(false);
  const [reason, setReason] = useState("");
  const { run, busy, error } = useAction();
  const c = r.citizen;

  async function accept() {
    const res = await run(() => api.POST("/api/v1/referrals/{id}/accept", { params: { path: { id: r.id } }, body: {} }));
    if (res) {
      onChanged(t.referral.accepted);
      if (res.enrolment_id) navigate(`/forloeb/${res.enrolment_id}`);
    }
  }
  async function decline(e: FormEvent) {
    e.preventDefault();
    const res = await run(() => api.POST("/api/v1/referrals/{id}/decline", { params: { path: { id: r.id } }, body: { reason: reason.trim() } }));
    if (res) onChanged(t.referral.declined);
  }
  async function withdraw() {
    const res = await run(() => api.POST("/api/v1/referrals/{id}/withdraw", { params: { path: { id: r.id } }, body: {} }));
    if (res) onChanged(t.referral.withdrawn);
  }

  return (
    <li className="note-card referral-card">
      <p className="note-meta">
        <Badge variant={r.status === "sent" ? "warning" : r.status === "accepted" ? "success" : "info"}>{t.referral.statuses[r.status]}</Badge>{" "}
        {r.from_department.toUpperCase()} → {r.to_department.toUpperCase()} · {programmeName(programmes, r.programme_code, t)} · {t.referral.sentAt} {formatDateTime(r.sent_at, t)}
      </p>
      <h2 className="h4">
        {c.given_name} {c.family_name} <span className="small-text">({c.cpr_masked})</span>
      </h2>
      <p className="small-text">
        {[c.phone, c.email, c.preferred_language, c.interpreter_needed ? t.mentor.interpreterNeeded : null].filter(Boolean).join(" · ")}
      </p>
      <p className="note-text">{r.reason}</p>
      <p className="small-text">
        {t.referral.basis}: {r.consent_id ? t.referral.consentBasis : `${t.referral.legalBasis}: ${r.legal_basis ?? ""}`}
        {r.decision_reason ? ` · ${r.decision_reason}` : ""}
      </p>
      {r.enrolment_id && direction === "incoming" ? <Link href={`/forloeb/${r.enrolment_id}`}>{t.referral.openEnrolment}</Link> : null}
      <ProblemAlert problem={error} />
      {r.status === "sent" && direction === "incoming" ? (
        declining ? (
          <form onSubmit={decline} noValidate>
            <TextField id={`dc-${r.id}`} label={t.referral.declineReason} value={reason} required error={error?.fields.reason}
              onChange={(e) => setReason(e.target.value)} />
            <div className="button-row">
              <button type="submit" className="button button-primary" disabled={busy}>{t.referral.decline}</button>
              <button type="button" className="button button-tertiary" onClick={() => setDeclining(false)}>{t.app.cancel}</button>
            </div>
          </form>
        ) : (
          <div className="button-row">
            <button type="button" className="button button-primary" disabled={busy} onClick={() => void accept()}>{t.referral.accept}</button>
            <button type="button" className="button button-secondary" onClick={() => setDeclining(true)}>{t.referral.decline}</button>
          </div>
        )
      ) : null}
      {r.status === "sent" && direction === "outgoing" ? (
        <button type="button" className="button button-secondary" disabled={busy} onClick={() => void withdraw()}>{t.referral.withdraw}</button>
      ) : null}
    </li>
  );
}
