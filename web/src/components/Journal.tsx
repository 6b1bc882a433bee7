import { useEffect, useState, type FormEvent } from "react";
import { api } from "../api/client";
import { describeNetworkError, describeProblem, type Described, type ProblemLike } from "../api/errors";
import type { CreateNoteRequest, NoteKind, NoteView } from "../api/types";
import { formatDateTime, useT } from "../i18n";
import { NOTE_KINDS } from "../lib/codes";
import { useAuth } from "../lib/auth";
import { useStaffNames } from "../lib/staff";
import { submitNote } from "../offline/submit";
import { noteQueue, type QueuedNote } from "../offline/queue";
import { sendQueuedNote, useQueued } from "../offline/sync";
import { Alert, Badge, ProblemAlert } from "./feedback";
import { Checkbox, SelectField, TextArea, TextField } from "./forms";

const NOTES_PAGE = 20;

/** The journal: one page of notes at a time, newest first, corrections beside what they replace. */
export function useNotes(enrolmentId: string) {
  const [notes, setNotes] = useState<NoteView[]>([]);
  const [next, setNext] = useState<string | null>(null);
  const [error, setError] = useState<Described | null>(null);
  const [loading, setLoading] = useState(true);
  const t = useT();

  async function load(cursor: string | null) {
    setLoading(true);
    try {
      const res = await api.GET("/api/v1/enrolments/{id}/notes", {
        params: { path: { id: enrolmentId }, query: { limit: NOTES_PAGE, cursor: cursor ?? undefined } },
      });
      if (res.data) {
        const items = res.data.items;
        setNotes((prev) => (cursor ? [...prev, ...items] : items));
        setNext(res.data.next_cursor ?? null);
        setError(null);
      } else setError(describeProblem(res.error as ProblemLike, res.response.status, t));
    } catch {
      setError(describeNetworkError(t));
    } finally {
      setLoading(false);
    }
  }
  useEffect(() => {
    void load(null);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [enrolmentId]);
  return { notes, next, error, loading, reload: () => load(null), more: () => load(next) };
}

/** Groups: each shown note with the chain of notes it corrected. */
export function groupNotes(notes: NoteView[]): { note: NoteView; replaced: NoteView[] }[] {
  const byId = new Map(notes.map((n) => [n.id, n]));
  const shownBeside = new Set<string>();
  const groups: { note: NoteView; replaced: NoteView[] }[] = [];
  for (const n of notes) {
    if (shownBeside.has(n.id)) continue;
    const replaced: NoteView[] = [];
    let cur = n.supersedes ? byId.get(n.supersedes) : undefined;
    while (cur) {
      replaced.push(cur);
      shownBeside.add(cur.id);
      cur = cur.supersedes ? byId.get(cur.supersedes) : undefined;
    }
    groups.push({ note: n, replaced });
  }
  return groups;
}

export function NoteList({
  notes, canCorrect, onCorrect,
}: { notes: NoteView[]; canCorrect: (n: NoteView) => boolean; onCorrect: (n: NoteView) => void }) {
  const t = useT();
  const { me } = useAuth();
  const staffName = useStaffNames(notes.map((n) => n.author_id));
  if (!notes.length) return <p>{t.enrolment.noNotes}</p>;
  return (
    <ol className="journal" aria-label={t.enrolment.journal}>
      {groupNotes(notes).map(({ note, replaced }) => (
        <li key={note.id} className={`journal-entry${replaced.length ? " has-correction" : ""}`}>
          <NoteCard note={note} mine={note.author_id === me?.id} author={staffName(note.author_id)}>
            {replaced.length ? <Badge variant="info">{t.enrolment.correction}</Badge> : null}
            {note.current && canCorrect(note) ? (
              <button type="button" className="button button-tertiary" onClick={() => onCorrect(note)}>
                {t.enrolment.correct}
              </button>
            ) : null}
          </NoteCard>
          {replaced.length ? (
            <div className="journal-replaced">
              {replaced.map((r) => (
                <NoteCard key={r.id} note={r} mine={r.author_id === me?.id} author={staffName(r.author_id)} superseded />
              ))}
            </div>
          ) : null}
        </li>
      ))}
    </ol>
  );
}

function NoteCard({
  note, mine, author, superseded = false, children,
}: { note: NoteView; mine: boolean; author?: string | null; superseded?: boolean; children?: React.ReactNode }) {
  const t = useT();
  return (
    <article className={`note-card${superseded ? " note-superseded" : ""}`} aria-label={superseded ? t.enrolment.superseded : undefined}>
      <p className="note-meta">
        <strong>{t.codes.noteKind[note.kind] ?? note.kind}</strong> · <time dateTime={note.occurred_at}>{formatDateTime(note.occurred_at, t)}</time>
        {mine ? ` · ${t.enrolment.author} ${t.enrolment.you}` : author ? ` · ${t.enrolment.author} ${author}` : ""}
        {note.shared_with_mentor ? <> · {t.enrolment.sharedBadge}</> : null}
      </p>
      {superseded ? <p className="note-superseded-label">{t.enrolment.superseded}</p> : null}
      <p className="note-text">{note.text}</p>
      {note.correction_reason ? <p className="small-text">{t.enrolment.correctionReason(note.correction_reason)}</p> : null}
      {Object.keys(note.measures ?? {}).length ? (
        <p className="small-text">
          {Object.entries(note.measures as Record<string, unknown>)
            .map(([k, v]) => `${k}: ${String(v)}`)
            .join(" · ")}
        </p>
      ) : null}
      {children ? <div className="note-actions">{children}</div> : null}
    </article>
  );
}

/** The notes still on the device for this enrolment: "venter på at blive sendt". */
export function PendingNotes({ enrolmentId }: { enrolmentId: string }) {
  const t = useT();
  const { me } = useAuth();
  const items = useQueued(me?.id ?? null, enrolmentId);
  const [sending, setSending] = useState(false);
  if (!items.length || !me) return null;
  const pending = items.filter((i) => i.state === "pending").length;
  async function sendNow() {
    setSending(true);
    try {
      await noteQueue.flush(me!.id, sendQueuedNote);
    } finally {
      setSending(false);
    }
  }
  return (
    <section className="pending-notes" aria-labelledby="pending-heading">
      <h3 id="pending-heading">{t.enrolment.pendingCount(pending)}</h3>
      {pending ? (
        <button type="button" className="button button-secondary" disabled={sending} onClick={() => void sendNow()}>
          {t.enrolment.retryNow}
        </button>
      ) : null}
      <ul className="nobullet-list">
        {items.map((q) => (
          <PendingItem key={q.key} q={q} />
        ))}
      </ul>
    </section>
  );
}

function PendingItem({ q }: { q: QueuedNote }) {
  const t = useT();
  return (
    <li className={`note-card note-pending${q.state === "rejected" ? " note-rejected" : ""}`} data-testid="pending-note">
      <p className="note-meta">
        {q.state === "pending" ? (
          <Badge variant="warning">{t.enrolment.pending}</Badge>
        ) : (
          <Badge variant="error">{t.enrolment.failed}</Badge>
        )}{" "}
        {t.codes.noteKind[q.body.kind] ?? q.body.kind} · {formatDateTime(q.body.occurred_at, t)}
      </p>
      <p className="note-text">{q.body.text}</p>
      {q.state === "rejected" && q.error ? (
        <>
          <p className="form-error-message">{describeProblem({ type: `urn:medborger:problem:${q.error.code}` }, q.error.status, t).message}</p>
          <button type="button" className="button button-tertiary" onClick={() => void noteQueue.remove(q.key)}>
            {t.enrolment.discard}
          </button>
        </>
      ) : null}
    </li>
  );
}

function localNow(): string {
  const d = new Date();
  d.setSeconds(0, 0);
  const off = d.getTimezoneOffset();
  return new Date(d.getTime() - off * 60_000).toISOString().slice(0, 16);
}

/** Write a note, or correct one (`correcting`). Offline-safe through the queue. */
export function NoteForm({
  enrolmentId, kinds = NOTE_KINDS, defaultKind = "meeting", correcting, allowShare, onSent, onCancel, idPrefix = "note", askDuration = false,
}: {
  enrolmentId: string;
  kinds?: NoteKind[];
  defaultKind?: NoteKind;
  correcting?: NoteView | null;
  allowShare: boolean;
  /** After a note is sent, or kept on the device to be sent later. */
  onSent: (how: "sent" | "queued") => void;
  onCancel?: () => void;
  idPrefix?: string;
  /** Mentor sessions: ask for the duration, sent as measures.duration_minutes. */
  askDuration?: boolean;
}) {
  const t = useT();
  const { me } = useAuth();
  const [kind, setKind] = useState<NoteKind>(correcting?.kind ?? defaultKind);
  const [occurred, setOccurred] = useState(localNow);
  const [text, setText] = useState(correcting?.text ?? "");
  const [shared, setShared] = useState(correcting?.shared_with_mentor ?? false);
  const [reason, setReason] = useState("");
  const [duration, setDuration] = useState("30");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<Described | null>(null);
  const [status, setStatus] = useState<"sent" | "queued" | null>(null);

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (!me) return;
    setStatus(null);
    const local: Record<string, string> = {};
    if (!text.trim()) local.text = t.errors.fieldGeneric(t.fields.text, t.errors.field.required);
    if (correcting && !reason.trim()) local.correction_reason = t.errors.fieldGeneric(t.fields.correction_reason, t.errors.field.required);
    if (Object.keys(local).length) {
      setError({ message: t.errors.problem["validation-failed"], fields: local, status: 0, code: "validation-failed" });
      return;
    }
    const body: CreateNoteRequest = {
      kind,
      occurred_at: new Date(occurred).toISOString(),
      text: text.trim(),
      shared_with_mentor: allowShare ? shared : undefined,
      ...(askDuration && duration ? { measures: { duration_minutes: Number(duration) } } : {}),
      ...(correcting ? { supersedes: correcting.id, correction_reason: reason.trim() } : {}),
    };
    setBusy(true);
    setError(null);
    try {
      const res = await submitNote(enrolmentId, me.id, body);
      if (res.kind === "rejected") {
        const retry = Number(res.response.headers.get("Retry-After") ?? "");
        setError(describeProblem(res.error as ProblemLike, res.response.status, t, { retryAfterSecs: retry || undefined }));
        return;
      }
      setStatus(res.kind);
      setText("");
      setReason("");
      setOccurred(localNow());
      onSent(res.kind);
    } finally {
      setBusy(false);
    }
  }

  const id = (f: string) => `${idPrefix}-${f}`;
  return (
    <form onSubmit={submit} noValidate className="note-form">
      <ProblemAlert problem={error} fieldIds={{ text: id("text"), occurred_at: id("occurred"), correction_reason: id("reason"), kind: id("kind") }} />
      {status === "sent" ? <Alert variant="success">{t.enrolment.noteSaved}</Alert> : null}
      {status === "queued" ? <Alert variant="warning">{t.mentor.savedOffline}</Alert> : null}
      {kinds.length > 1 ? (
        <SelectField id={id("kind")} label={t.enrolment.noteKind} value={kind} error={error?.fields.kind}
          onChange={(e) => setKind(e.target.value as NoteKind)}>
          {kinds.map((k) => (
            <option key={k} value={k}>
              {t.codes.noteKind[k]}
            </option>
          ))}
        </SelectField>
      ) : null}
      <TextField id={id("occurred")} type="datetime-local" label={t.enrolment.occurredAt} value={occurred}
        error={error?.fields.occurred_at} onChange={(e) => setOccurred(e.target.value)} required />
      {askDuration ? (
        <SelectField id={id("duration")} label={t.mentor.sessionDuration} value={duration} onChange={(e) => setDuration(e.target.value)}>
          {["15", "30", "45", "60", "90", "120"].map((m) => (
            <option key={m} value={m}>
              {m}
            </option>
          ))}
        </SelectField>
      ) : null}
      <TextArea id={id("text")} label={t.enrolment.noteText} value={text} rows={5} required
        error={error?.fields.text} onChange={(e) => setText(e.target.value)} />
      {correcting ? (
        <TextField id={id("reason")} label={t.fields.correction_reason} value={reason} required
          error={error?.fields.correction_reason} onChange={(e) => setReason(e.target.value)} />
      ) : null}
      {allowShare ? (
        <Checkbox id={id("shared")} label={t.enrolment.sharedWithMentor} checked={shared} onChange={(e) => setShared(e.target.checked)} />
      ) : null}
      <div className="button-row">
        <button type="submit" className="button button-primary" disabled={busy}>
          {correcting ? t.enrolment.correctSubmit : t.enrolment.submitNote}
        </button>
        {onCancel ? (
          <button type="button" className="button button-tertiary" onClick={onCancel}>
            {t.app.cancel}
          </button>
        ) : null}
      </div>
    </form>
  );
}
