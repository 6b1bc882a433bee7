import { useEffect, useState, type FormEvent } from "react";
import { api } from "../api/client";
import type { CitizenResponse, CitizenView, EnrolmentView, RevealPurpose } from "../api/types";
import { Flash } from "../components/Flash";
import { BreakGlass, Consents, FileConcern, GrantCountdown, SendReferral, activeGrant } from "../components/CitizenWork";
import { Alert, Badge, Loading, ProblemAlert } from "../components/feedback";
import { SelectField, TextArea } from "../components/forms";
import { formatDate, label, useT } from "../i18n";
import { useAuth } from "../lib/auth";
import { programmeName, useProgrammes } from "../lib/programmes";
import { Link, navigate } from "../lib/router";
import { useAction, useLoad } from "../lib/useLoad";
import { useSubmissionKey } from "../lib/submissionKey";

function isFull(c: CitizenResponse): c is Extract<CitizenResponse, { view: "full" }> {
  return c.view === "full";
}

export default function CitizenPage({ id }: { id: string }) {
  const t = useT();
  const citizen = useLoad(() => api.GET("/api/v1/citizens/{id}", { params: { path: { id } } }), [id]);
  const enrolments = useLoad(() => api.GET("/api/v1/citizens/{id}/enrolments", { params: { path: { id } } }), [id]);
  const summaries = useLoad(() => api.GET("/api/v1/citizens/{id}/enrolment-summaries", { params: { path: { id } } }), [id]);
  const programmes = useProgrammes();

  if (citizen.loading && !citizen.data) return <Loading />;
  if (citizen.error || !citizen.data) {
    return (
      <>
        <h1>{citizen.error?.code === "not-found" ? t.grant.notVisibleTitle : t.citizen.title}</h1>
        <ProblemAlert problem={citizen.error} />
        {citizen.error?.code === "not-found" ? (
          <BreakGlass citizenId={id} onGranted={() => { citizen.reload(); enrolments.reload(); summaries.reload(); }} />
        ) : null}
      </>
    );
  }
  const c = citizen.data;
  const grant = activeGrant(id);
  return (
    <>
      <Flash />
      {grant ? <GrantCountdown grant={grant} /> : null}
      <h1>
        {c.given_name} {c.family_name}
      </h1>
      {isFull(c) ? <Record c={c} /> : null}
      <section aria-labelledby="enrolments-heading">
        <h2 id="enrolments-heading">{t.citizen.enrolments}</h2>
        <ProblemAlert problem={enrolments.error} />
        {enrolments.data ? <EnrolmentList list={enrolments.data} programmes={programmes} /> : null}
        {summaries.data && summaries.data.length ? (
          <>
            <h3>{t.citizen.otherEnrolments}</h3>
            <table className="table">
              <thead>
                <tr>
                  <th scope="col">{t.enrolment.programme}</th>
                  <th scope="col">{t.enrolment.status}</th>
                  <th scope="col">{t.citizen.team}</th>
                  <th scope="col">{t.citizen.period}</th>
                </tr>
              </thead>
              <tbody>
                {summaries.data.map((s) => (
                  <tr key={s.id}>
                    <td>{programmeName(programmes, s.programme_code, t)} ({s.department.toUpperCase()})</td>
                    <td>{label(t.codes.status, s.status, t)}</td>
                    <td>{s.team_name}</td>
                    <td>
                      {formatDate(s.start_date, t)} – {s.end_date ? formatDate(s.end_date, t) : ""}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </>
        ) : null}
        {!grant ? <Enrol citizenId={id} onDone={(e) => navigate(`/forloeb/${e.id}`)} /> : null}
      </section>
      {isFull(c) && !grant ? (
        <>
          <Consents citizenId={id} />
          <SendReferral citizenId={id} />
          <FileConcern citizenId={id} />
        </>
      ) : grant ? (
        <FileConcern citizenId={id} />
      ) : null}
    </>
  );
}

function Record({ c }: { c: CitizenView }) {
  const t = useT();
  return (
    <section aria-labelledby="record-heading">
      <h2 id="record-heading" className="sr-only">
        {t.citizen.record}
      </h2>
      <dl className="record">
        <dt>{t.citizen.cpr}</dt>
        <dd>
          <CprReveal citizenId={c.id} masked={c.cpr_masked} />
        </dd>
        <dt>{t.citizen.birthDate}</dt>
        <dd>{formatDate(c.birth_date, t)}</dd>
        <dt>{t.citizen.sex}</dt>
        <dd>{label(t.codes.sex, c.sex, t)}</dd>
        <dt>{t.fields.phone}</dt>
        <dd>{c.phone ?? t.app.none}</dd>
        <dt>{t.fields.email}</dt>
        <dd>{c.email ?? t.app.none}</dd>
        <dt>{t.fields.address}</dt>
        <dd>{c.address ?? t.app.none}</dd>
        <dt>{t.fields.district}</dt>
        <dd>{label(t.codes.district, c.district, t)}</dd>
        <dt>{t.fields.preferred_language}</dt>
        <dd>
          {c.preferred_language ?? t.app.none}
          {c.interpreter_needed ? <> · {t.register.interpreterNeeded}</> : null}
        </dd>
        <dt>{t.citizen.origin}</dt>
        <dd>
          {c.origin ? (
            <>
              {label(t.codes.originGroup, c.origin.group, t)}
              {c.origin.origin_country ? ` · ${t.citizen.originCountry}: ${c.origin.origin_country}` : ""}
              {c.origin.region ? ` · ${label(t.codes.originRegion, c.origin.region, t)}` : ""}
              {c.origin.etnisk_minoritetsbaggrund ? ` · ${t.citizen.ethnicMinority}` : ""}
              {c.origin.menapt ? ` · ${t.citizen.menapt}` : ""}
            </>
          ) : (
            t.citizen.originUnknown
          )}
        </dd>
        <dt>{t.fields.arrival_date}</dt>
        <dd>{formatDate(c.arrival_date, t)}</dd>
        <dt>{t.fields.residence_basis}</dt>
        <dd>{label(t.codes.residence, c.residence_basis, t)}</dd>
        <dt>{t.fields.danish_level}</dt>
        <dd>{label(t.codes.danishLevel, c.danish_level, t)}</dd>
        <dt>{t.fields.employment_status}</dt>
        <dd>{label(t.codes.employment, c.employment_status, t)}</dd>
        <dt>{t.fields.needs}</dt>
        <dd>{c.needs?.length ? c.needs.map((n) => t.codes.need[n] ?? n).join(", ") : t.app.none}</dd>
      </dl>
    </section>
  );
}

/** The purposes the API accepts for a reveal (a fixed list, DESIGN §5). */
const REVEAL_PURPOSES: RevealPurpose[] = ["identity_check", "correspondence", "authority_contact", "citizen_request", "record_correction"];

/**
 * The masked CPR and the reveal action: asks for the purpose, shows the full
 * number only while this component lives (leaving the page forgets it).
 */
function CprReveal({ citizenId, masked }: { citizenId: string; masked: string }) {
  const t = useT();
  const [open, setOpen] = useState(false);
  const [purpose, setPurpose] = useState<RevealPurpose | "">("");
  const [purposeError, setPurposeError] = useState<string | undefined>();
  const [cpr, setCpr] = useState<string | null>(null);
  const { run, busy, error } = useAction();
  useEffect(() => () => setCpr(null), [citizenId]);

  async function reveal(e: FormEvent) {
    e.preventDefault();
    if (!purpose) {
      setPurposeError(t.citizen.revealPurposeRequired);
      return;
    }
    setPurposeError(undefined);
    const res = await run(() =>
      api.POST("/api/v1/citizens/{id}/cpr", { params: { path: { id: citizenId } }, body: { purpose } }),
    );
    if (res) {
      setCpr(res.cpr);
      setOpen(false);
      setPurpose("");
    }
  }

  if (cpr) {
    return (
      <span>
        <span className="cpr-revealed">{cpr}</span>{" "}
        <button type="button" className="button button-tertiary" onClick={() => setCpr(null)}>
          {t.citizen.hide}
        </button>
      </span>
    );
  }
  return (
    <div>
      <span>{masked}</span>{" "}
      {!open ? (
        <button type="button" className="button button-tertiary" onClick={() => setOpen(true)}>
          {t.citizen.reveal}
        </button>
      ) : (
        <form onSubmit={reveal} className="reveal-form" noValidate>
          <ProblemAlert problem={error} />
          <SelectField
            id="reveal-purpose"
            label={t.citizen.revealPurpose}
            hint={t.citizen.revealPurposeHint}
            value={purpose}
            error={purposeError}
            onChange={(e) => setPurpose(e.target.value as RevealPurpose | "")}
            required
            autoFocus
          >
            <option value="">{t.citizen.revealPurposeChoose}</option>
            {REVEAL_PURPOSES.map((p) => <option key={p} value={p}>{t.citizen.revealPurposes[p]}</option>)}
          </SelectField>
          <div className="button-row">
            <button type="submit" className="button button-primary" disabled={busy}>
              {t.citizen.revealSubmit}
            </button>
            <button type="button" className="button button-tertiary" onClick={() => setOpen(false)}>
              {t.app.cancel}
            </button>
          </div>
        </form>
      )}
    </div>
  );
}

function EnrolmentList({ list, programmes }: { list: EnrolmentView[]; programmes: ReturnType<typeof useProgrammes> }) {
  const t = useT();
  if (!list.length) return <p>{t.citizen.noEnrolments}</p>;
  return (
    <table className="table table--zebra">
      <thead>
        <tr>
          <th scope="col">{t.enrolment.programme}</th>
          <th scope="col">{t.enrolment.status}</th>
          <th scope="col">{t.citizen.period}</th>
          <th scope="col">{t.enrolment.milestones}</th>
        </tr>
      </thead>
      <tbody>
        {list.map((e) => {
          const overdue = e.milestones.filter((m) => m.overdue).length;
          return (
            <tr key={e.id}>
              <th scope="row">
                <Link href={`/forloeb/${e.id}`}>{programmeName(programmes, e.programme_code, t)}</Link>
              </th>
              <td>{t.codes.status[e.status]}</td>
              <td>
                {formatDate(e.start_date, t)} – {e.end_date ? formatDate(e.end_date, t) : ""}
              </td>
              <td>{overdue ? <Badge variant="error">{t.caseload.overdueCount(overdue)}</Badge> : t.app.none}</td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

function Enrol({ citizenId, onDone }: { citizenId: string; onDone: (e: EnrolmentView) => void }) {
  const t = useT();
  const { me } = useAuth();
  const programmes = useProgrammes().filter((p) => p.active && p.department === me?.department);
  const [programme, setProgramme] = useState("");
  const [goals, setGoals] = useState("");
  const [open, setOpen] = useState(false);
  const { run, busy, error } = useAction();
  const submission = useSubmissionKey();
  if (!me?.roles.includes("caseworker")) return null;

  async function submit(e: FormEvent) {
    e.preventDefault();
    const created = await run(() =>
      api.POST("/api/v1/citizens/{id}/enrolments", {
        params: { path: { id: citizenId }, header: { "Idempotency-Key": submission.value } },
        body: { programme_code: programme, goals: goals.trim() || undefined },
      }),
    );
    if (created) {
      submission.created();
      onDone(created);
    }
  }

  if (!open) {
    return (
      <button type="button" className="button button-secondary" onClick={() => setOpen(true)}>
        {t.citizen.enrol}
      </button>
    );
  }
  return (
    <form onSubmit={submit} noValidate className="enrol-form">
      <h3>{t.citizen.enrolTitle}</h3>
      <ProblemAlert problem={error} fieldIds={{ programme_code: "enrol-programme", goals: "enrol-goals" }} />
      <SelectField id="enrol-programme" label={t.fields.programme_code} value={programme} required
        error={error?.fields.programme_code} onChange={(e) => setProgramme(e.target.value)}>
        <option value="">{t.app.none}</option>
        {programmes.map((p) => (
          <option key={p.code} value={p.code}>
            {t.lang === "da" ? p.name_da : p.name_en}
          </option>
        ))}
      </SelectField>
      <TextArea id="enrol-goals" label={t.fields.goals} value={goals} rows={3}
        error={error?.fields.goals} onChange={(e) => setGoals(e.target.value)} />
      {error?.code === "conflict" ? <Alert variant="info">{error.message}</Alert> : null}
      <div className="button-row">
        <button type="submit" className="button button-primary" disabled={busy || !programme}>
          {t.citizen.enrolSubmit}
        </button>
        <button type="button" className="button button-tertiary" onClick={() => setOpen(false)}>
          {t.app.cancel}
        </button>
      </div>
    </form>
  );
}
