import { useState } from "react";
import { api } from "../api/client";
import type { components } from "../api/schema";
import { Alert, Badge, Loading, ProblemAlert } from "../components/feedback";
import { formatDateTime, useT } from "../i18n";
import { Link, navigate } from "../lib/router";
import { useAction, useLoad } from "../lib/useLoad";

type Concern = components["schemas"]["ConcernView"];

/** The restricted team's inbox of concerns; a case is opened from one. */
export default function Concerns() {
  const t = useT();
  const list = useLoad(() => api.GET("/api/v1/concerns"), []);
  return (
    <>
      <h1>{t.concern.inbox}</h1>
      <p className="font-lead">{t.concern.inboxIntro}</p>
      <Alert variant="warning">{t.enrolment.restricted}</Alert>
      <ProblemAlert problem={list.error} />
      {list.loading && !list.data ? <Loading /> : null}
      {list.data && !list.data.length ? <p>{t.concern.inboxEmpty}</p> : null}
      <ul className="nobullet-list">
        {list.data?.map((c) => <ConcernItem key={c.id} c={c} />)}
      </ul>
    </>
  );
}

function ConcernItem({ c }: { c: Concern }) {
  const t = useT();
  const { run, busy, error } = useAction();
  const [opened, setOpened] = useState(false);
  async function open() {
    const res = await run(() => api.POST("/api/v1/concerns/{id}/open", { params: { path: { id: c.id } }, body: {} }));
    if (res) {
      setOpened(true);
      navigate(`/forloeb/${res.id}`);
    }
  }
  return (
    <li className="note-card">
      <p className="note-meta">
        {t.concern.received} {formatDateTime(c.received_at, t)} · {t.concern.fromDepartment}: {c.filer_department.toUpperCase()}
        {c.handled_at ? <> · <Badge variant="success">{t.concern.handled}</Badge></> : null}
      </p>
      <p className="note-text">{c.text}</p>
      {c.signs.length ? <ul>{c.signs.map((s, i) => <li key={i}>{s}</li>)}</ul> : null}
      <p><Link href={`/borgere/${c.citizen_id}`}>{t.citizen.title}</Link></p>
      <ProblemAlert problem={error} />
      {c.opened_enrolment_id ? (
        <Link href={`/forloeb/${c.opened_enrolment_id}`}>{t.citizen.openEnrolment}</Link>
      ) : !opened ? (
        <button type="button" className="button button-primary" disabled={busy} onClick={() => void open()}>{t.concern.openCase}</button>
      ) : null}
    </li>
  );
}
