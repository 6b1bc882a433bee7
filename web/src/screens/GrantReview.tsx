import { useState, type FormEvent } from "react";
import { api } from "../api/client";
import type { components } from "../api/schema";
import { Alert, Loading, ProblemAlert } from "../components/feedback";
import { TextField } from "../components/forms";
import { formatDateTime, useT } from "../i18n";
import { useStaffNames } from "../lib/staff";
import { useAction, useLoad } from "../lib/useLoad";

type Grant = components["schemas"]["GrantView"];

/** The manager's break-the-glass review queue. */
export default function GrantReview() {
  const t = useT();
  const list = useLoad(() => api.GET("/api/v1/access-grants", { params: { query: { review: "pending" } } }), []);
  const [done, setDone] = useState(false);
  const staffName = useStaffNames(list.data?.map((g) => g.user_id) ?? []);
  return (
    <>
      <h1>{t.grant.review}</h1>
      <p className="font-lead">{t.grant.reviewIntro}</p>
      {done ? <Alert variant="success">{t.grant.reviewed}</Alert> : null}
      <ProblemAlert problem={list.error} />
      {list.loading && !list.data ? <Loading /> : null}
      {list.data && !list.data.length ? <p>{t.grant.reviewEmpty}</p> : null}
      <ul className="nobullet-list">
        {list.data?.map((g) => <GrantItem key={g.id} g={g} user={staffName(g.user_id) ?? g.user_id} onDone={() => { setDone(true); list.reload(); }} />)}
      </ul>
    </>
  );
}

function GrantItem({ g, user, onDone }: { g: Grant; user: string; onDone: () => void }) {
  const t = useT();
  const [comment, setComment] = useState("");
  const { run, busy, error } = useAction();
  async function submit(e: FormEvent) {
    e.preventDefault();
    const res = await run(() => api.POST("/api/v1/access-grants/{id}/review", { params: { path: { id: g.id } }, body: { comment: comment.trim() } }));
    if (res) onDone();
  }
  return (
    <li className="note-card">
      <p className="note-meta">
        {t.grant.grantedAt}: {formatDateTime(g.granted_at, t)} · {t.grant.expiresAt}: {formatDateTime(g.expires_at, t)} · {g.department.toUpperCase()}
      </p>
      <p className="note-text">{g.reason}</p>
      <p className="small-text">{t.grant.user}: {user} · {t.grant.citizen}: {g.citizen_id}</p>
      <form onSubmit={submit} noValidate>
        <ProblemAlert problem={error} />
        <TextField id={`rv-${g.id}`} label={t.grant.comment} value={comment} required error={error?.fields.comment} onChange={(e) => setComment(e.target.value)} />
        <button type="submit" className="button button-secondary" disabled={busy}>{t.grant.markReviewed}</button>
      </form>
    </li>
  );
}
