import { useEffect, useRef, useState, type FormEvent } from "react";
import { api } from "../api/client";
import type { EnrolmentView, NoteView, Status } from "../api/types";
import { NoteForm, NoteList, PendingNotes, useNotes } from "../components/Journal";
import { Milestones } from "../components/Milestones";
import { Outcomes, RiskAssessments } from "../components/EnrolmentWork";
import { Alert, Badge, Loading, ProblemAlert } from "../components/feedback";
import { SelectField, TextField } from "../components/forms";
import { formatDate, useT } from "../i18n";
import { useAuth } from "../lib/auth";
import { allowedMoves } from "../lib/codes";
import { programmeName, useProgrammes } from "../lib/programmes";
import { Link } from "../lib/router";
import { useAction, useLoad } from "../lib/useLoad";
import { useQueued } from "../offline/sync";
import { useStaffNames, useStaffWithRole } from "../lib/staff";

export default function EnrolmentPage({ id }: { id: string }) {
  const t = useT();
  const { me, has } = useAuth();
  const programmes = useProgrammes();
  const loaded = useLoad(() => api.GET("/api/v1/enrolments/{id}", { params: { path: { id } } }), [id]);
  const [enrolment, setEnrolment] = useState<EnrolmentView | null>(null);
  useEffect(() => setEnrolment(loaded.data ?? null), [loaded.data]);
  const citizen = useLoad(
    enrolment ? () => api.GET("/api/v1/citizens/{id}", { params: { path: { id: enrolment.citizen_id } } }) : null,
    [enrolment?.citizen_id],
  );
  const journal = useNotes(id);
  const staffName = useStaffNames([enrolment?.responsible_caseworker_id, enrolment?.mentor_id]);
  const [correcting, setCorrecting] = useState<NoteView | null>(null);
  const queued = useQueued(me?.id ?? null, id);
  const pendingCount = useRef(queued.length);
  useEffect(() => {
    // A queued note was sent: show it in the journal.
    if (queued.length < pendingCount.current) void journal.reload();
    pendingCount.current = queued.length;
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [queued.length]);

  if (loaded.loading && !enrolment) return <Loading />;
  if (loaded.error || !enrolment) {
    return (
      <>
        <h1>{t.enrolment.title}</h1>
        <ProblemAlert problem={loaded.error} />
      </>
    );
  }
  const e = enrolment;
  const isCaseworker = has("caseworker") || has("manager");
  const c = citizen.data as { given_name?: string; family_name?: string } | undefined;
  const prog = programmes.find((p) => p.code === e.programme_code);
  return (
    <>
      <p className="breadcrumb-line">
        {c?.given_name ? <Link href={`/borgere/${e.citizen_id}`}>{c.given_name} {c.family_name}</Link> : null}
      </p>
      <h1>
        {programmeName(programmes, e.programme_code, t)}
        {c?.given_name ? <span className="h1-sub"> · {c.given_name} {c.family_name}</span> : null}
      </h1>
      {prog?.restricted ? <Alert variant="warning">{t.enrolment.restricted}</Alert> : null}
      <dl className="record">
        <dt>{t.enrolment.status}</dt>
        <dd>
          <Badge variant={e.status === "active" ? "success" : "info"}>{t.codes.status[e.status]}</Badge>
        </dd>
        <dt>{t.enrolment.start}</dt>
        <dd>{formatDate(e.start_date, t)}</dd>
        <dt>{t.enrolment.end}</dt>
        <dd>{formatDate(e.end_date, t)}</dd>
        <dt>{t.enrolment.responsible}</dt>
        <dd className="staff-responsible">{staffName(e.responsible_caseworker_id) ?? e.responsible_caseworker_id}</dd>
        <dt>{t.enrolment.mentor}</dt>
        <dd className="staff-mentor">{e.mentor_id ? (staffName(e.mentor_id) ?? e.mentor_id) : t.enrolment.noMentor}</dd>
        <dt>{t.enrolment.goals}</dt>
        <dd className="pre-wrap">{e.goals || t.enrolment.noGoals}</dd>
      </dl>

      <section aria-labelledby="ms-heading">
        <h2 id="ms-heading">{t.enrolment.milestones}</h2>
        <Milestones enrolment={e} canMeet={isCaseworker || has("mentor")} canWaive={has("caseworker")} onChanged={setEnrolment} />
      </section>

      {isCaseworker ? <Transition enrolment={e} onChanged={setEnrolment} /> : null}
      {has("caseworker") && !prog?.restricted && e.status !== "completed" && e.status !== "dropped_out" && e.status !== "cancelled" ? (
        <AssignMentor enrolment={e} onChanged={setEnrolment} />
      ) : null}
      {prog?.restricted && isCaseworker ? <RiskAssessments enrolmentId={id} /> : null}

      <section aria-labelledby="journal-heading">
        <h2 id="journal-heading">{t.enrolment.journal}</h2>
        <p>{t.enrolment.journalIntro}</p>
        <div className="write-note" id="write-note">
          <h3>{correcting ? t.enrolment.correctTitle : t.enrolment.writeNote}</h3>
          <NoteForm
            key={correcting?.id ?? "new"}
            enrolmentId={id}
            correcting={correcting}
            allowShare={isCaseworker}
            onSent={(how) => {
              setCorrecting(null);
              if (how === "sent") void journal.reload();
            }}
            onCancel={correcting ? () => setCorrecting(null) : undefined}
          />
        </div>
        <PendingNotes enrolmentId={id} />
        <ProblemAlert problem={journal.error} />
        <NoteList
          notes={journal.notes}
          canCorrect={(n) => isCaseworker || n.author_id === me?.id}
          onCorrect={(n) => {
            setCorrecting(n);
            document.getElementById("write-note")?.scrollIntoView();
            window.setTimeout(() => document.getElementById("note-text")?.focus(), 0);
          }}
        />
        {journal.next ? (
          <button type="button" className="button button-secondary" disabled={journal.loading} onClick={() => void journal.more()}>
            {t.enrolment.moreNotes}
          </button>
        ) : null}
      </section>
      {isCaseworker ? <Outcomes enrolmentId={id} canRecord={has("caseworker")} /> : null}
    </>
  );
}

function Transition({ enrolment, onChanged }: { enrolment: EnrolmentView; onChanged: (e: EnrolmentView) => void }) {
  const t = useT();
  const moves = allowedMoves(enrolment.status);
  const [to, setTo] = useState<Status | "">("");
  const [reason, setReason] = useState("");
  const [done, setDone] = useState(false);
  const { run, busy, error } = useAction();
  if (!moves.length) return <p>{t.enrolment.noTransitions}</p>;

  async function submit(ev: FormEvent) {
    ev.preventDefault();
    setDone(false);
    if (!to) return;
    const res = await run(() =>
      api.POST("/api/v1/enrolments/{id}/transitions", {
        params: { path: { id: enrolment.id } },
        body: { to, reason: reason.trim() },
      }),
    );
    if (res) {
      setDone(true);
      setTo("");
      setReason("");
      onChanged(res);
    }
  }

  return (
    <details className="details">
      <summary className="details-summary">{t.enrolment.transition}</summary>
      <div className="details-text">
        <form onSubmit={submit} noValidate>
          <ProblemAlert problem={error} fieldIds={{ to: "tr-to", reason: "tr-reason" }} />
          {done ? <Alert variant="success">{t.enrolment.statusChanged}</Alert> : null}
          <SelectField id="tr-to" label={t.enrolment.transitionTo} value={to} required error={error?.fields.to}
            onChange={(e) => setTo(e.target.value as Status)}>
            <option value="">{t.app.none}</option>
            {moves.map((s) => (
              <option key={s} value={s}>
                {t.codes.status[s]}
              </option>
            ))}
          </SelectField>
          <TextField id="tr-reason" label={t.enrolment.transitionReason} value={reason} required
            error={error?.fields.reason} onChange={(e) => setReason(e.target.value)} />
          <button type="submit" className="button button-primary" disabled={busy || !to}>
            {t.enrolment.transitionSubmit}
          </button>
        </form>
      </div>
    </details>
  );
}

/** Assign a mentor of the department, picked by name, or end the assignment. */
function AssignMentor({ enrolment, onChanged }: { enrolment: EnrolmentView; onChanged: (e: EnrolmentView) => void }) {
  const t = useT();
  const mentors = useStaffWithRole("mentor");
  const [mentor, setMentor] = useState("");
  const [done, setDone] = useState<string | null>(null);
  const { run, busy, error } = useAction();

  async function assign(mentorId: string | null) {
    setDone(null);
    const res = await run(() =>
      api.PUT("/api/v1/enrolments/{id}/mentor", { params: { path: { id: enrolment.id } }, body: { mentor_id: mentorId } }),
    );
    if (res) {
      setDone(mentorId ? t.enrolment.mentorAssigned : t.enrolment.mentorEnded);
      setMentor("");
      onChanged(res);
    }
  }

  return (
    <details className="details">
      <summary className="details-summary">{t.enrolment.assignMentor}</summary>
      <div className="details-text">
        <form
          noValidate
          onSubmit={(ev) => {
            ev.preventDefault();
            if (mentor) void assign(mentor);
          }}
        >
          <ProblemAlert problem={error} fieldIds={{ mentor_id: "mentor-pick" }} />
          {done ? <Alert variant="success">{done}</Alert> : null}
          <SelectField id="mentor-pick" label={t.enrolment.chooseMentor} value={mentor} required error={error?.fields.mentor_id}
            onChange={(ev) => setMentor(ev.target.value)}>
            <option value="">{mentors === null ? t.app.loading : t.app.none}</option>
            {(mentors ?? [])
              .filter((m) => m.id !== enrolment.mentor_id)
              .map((m) => (
                <option key={m.id} value={m.id}>
                  {m.full_name}
                </option>
              ))}
          </SelectField>
          <div className="button-row">
            <button type="submit" className="button button-primary" disabled={busy || !mentor}>
              {t.enrolment.assignMentorSubmit}
            </button>
            {enrolment.mentor_id ? (
              <button type="button" className="button button-secondary" disabled={busy} onClick={() => void assign(null)}>
                {t.enrolment.endMentor}
              </button>
            ) : null}
          </div>
        </form>
      </div>
    </details>
  );
}
