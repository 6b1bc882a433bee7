import { useEffect, useRef, useState } from "react";
import { api } from "../api/client";
import type { EnrolmentView } from "../api/types";
import { NoteForm, NoteList, PendingNotes, useNotes } from "../components/Journal";
import { Milestones } from "../components/Milestones";
import { Loading, ProblemAlert } from "../components/feedback";
import { useT } from "../i18n";
import { useAuth } from "../lib/auth";
import { programmeName, useProgrammes } from "../lib/programmes";
import { Link } from "../lib/router";
import { useLoad } from "../lib/useLoad";
import { useQueued } from "../offline/sync";

/** A mentee, as the API shows a mentor: contact, language, goals, milestones, notes. */
export default function MenteePage({ enrolmentId }: { enrolmentId: string }) {
  const t = useT();
  const { me } = useAuth();
  const programmes = useProgrammes();
  const loaded = useLoad(() => api.GET("/api/v1/enrolments/{id}", { params: { path: { id: enrolmentId } } }), [enrolmentId]);
  const [enrolment, setEnrolment] = useState<EnrolmentView | null>(null);
  useEffect(() => setEnrolment(loaded.data ?? null), [loaded.data]);
  const citizen = useLoad(
    enrolment ? () => api.GET("/api/v1/citizens/{id}", { params: { path: { id: enrolment.citizen_id } } }) : null,
    [enrolment?.citizen_id],
  );
  const journal = useNotes(enrolmentId);
  const queued = useQueued(me?.id ?? null, enrolmentId);
  const pendingCount = useRef(queued.length);
  useEffect(() => {
    if (queued.length < pendingCount.current) void journal.reload();
    pendingCount.current = queued.length;
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [queued.length]);

  if (loaded.loading && !enrolment) return <Loading />;
  if (loaded.error || !enrolment) {
    return (
      <div className="phone-screen">
        <h1>{t.mentor.title}</h1>
        <ProblemAlert problem={loaded.error} />
      </div>
    );
  }
  const c = citizen.data;
  return (
    <div className="phone-screen">
      <p>
        <Link href="/mentees">← {t.mentor.title}</Link>
      </p>
      <h1>{c ? `${c.given_name} ${c.family_name}` : t.app.loading}</h1>
      <p className="small-text">{programmeName(programmes, enrolment.programme_code, t)}</p>
      {c ? (
        <section aria-labelledby="contact-heading" className="mentee-contact">
          <h2 id="contact-heading">{t.mentor.contact}</h2>
          <dl className="record">
            <dt>{t.mentor.phone}</dt>
            <dd>{c.phone ? <a href={`tel:${c.phone.replace(/[^\d+]/g, "")}`} aria-label={t.mentor.callPhone(c.phone)}>{c.phone}</a> : t.app.none}</dd>
            <dt>{t.mentor.email}</dt>
            <dd>{c.email ?? t.app.none}</dd>
            <dt>{t.mentor.address}</dt>
            <dd>{c.address ?? t.app.none}</dd>
            <dt>{t.mentor.language}</dt>
            <dd>{c.preferred_language ?? t.app.none}</dd>
            <dt>{t.mentor.interpreter}</dt>
            <dd>{c.interpreter_needed ? t.mentor.interpreterNeeded : t.mentor.interpreterNotNeeded}</dd>
          </dl>
        </section>
      ) : null}
      <section aria-labelledby="log-heading">
        <h2 id="log-heading">{t.mentor.logSession}</h2>
        <NoteForm
          enrolmentId={enrolmentId}
          kinds={["mentor_session"]}
          defaultKind="mentor_session"
          allowShare={false}
          idPrefix="session"
          askDuration
          onSent={(how) => how === "sent" && void journal.reload()}
        />
        <PendingNotes enrolmentId={enrolmentId} />
      </section>
      <section aria-labelledby="goals-heading">
        <h2 id="goals-heading">{t.mentor.goals}</h2>
        <p className="pre-wrap">{enrolment.goals || t.enrolment.noGoals}</p>
      </section>
      <section aria-labelledby="ms-heading">
        <h2 id="ms-heading">{t.enrolment.milestones}</h2>
        <Milestones enrolment={enrolment} canMeet onChanged={setEnrolment} compact />
      </section>
      <section aria-labelledby="notes-heading">
        <h2 id="notes-heading">{t.mentor.notes}</h2>
        <ProblemAlert problem={journal.error} />
        <NoteList notes={journal.notes} canCorrect={() => false} onCorrect={() => {}} />
        {journal.next ? (
          <button type="button" className="button button-secondary" onClick={() => void journal.more()}>
            {t.enrolment.moreNotes}
          </button>
        ) : null}
      </section>
    </div>
  );
}
