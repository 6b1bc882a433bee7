// The cross-department work on a citizen's page: consents, referrals out,
// concerns to the restricted team, and break-the-glass access.
import { useEffect, useState, type FormEvent } from "react";
import { api } from "../api/client";
import type { components } from "../api/schema";
import { formatDate, formatDateTime, useT } from "../i18n";
import { useAuth } from "../lib/auth";
import { useProgrammes } from "../lib/programmes";
import { useAction, useLoad } from "../lib/useLoad";
import { useSubmissionKey } from "../lib/submissionKey";
import { Alert, Badge, ProblemAlert } from "./feedback";
import { Checkbox, SelectField, TextArea, TextField } from "./forms";
import { isoDate } from "../lib/dates";

type Consent = components["schemas"]["ConsentView"];
type Grant = components["schemas"]["GrantView"];
type DepartmentCode = components["schemas"]["DepartmentCode"];
const DEPARTMENTS: DepartmentCode[] = ["bif", "buf", "kff", "sof", "suf", "tmf", "okf"];

export function Consents({ citizenId }: { citizenId: string }) {
  const t = useT();
  const { me } = useAuth();
  const list = useLoad(() => api.GET("/api/v1/citizens/{id}/consents", { params: { path: { id: citizenId } } }), [citizenId]);
  const [open, setOpen] = useState(false);
  const [done, setDone] = useState<string | null>(null);
  return (
    <section aria-labelledby="consents-heading">
      <h2 id="consents-heading">{t.consent.title}</h2>
      {done ? <Alert variant="success">{done}</Alert> : null}
      <ProblemAlert problem={list.error} />
      {list.data && !list.data.length ? <p>{t.consent.none}</p> : null}
      {list.data?.length ? (
        <ul className="nobullet-list consent-list">
          {list.data.map((c) => (
            <ConsentItem key={c.id} c={c} onWithdrawn={() => { setDone(t.consent.withdrawnDone); list.reload(); }} />
          ))}
        </ul>
      ) : null}
      {me?.roles.includes("caseworker") ? (
        open ? (
          <RecordConsent citizenId={citizenId} onDone={() => { setOpen(false); setDone(t.consent.recorded); list.reload(); }}
            onCancel={() => setOpen(false)} />
        ) : (
          <button type="button" className="button button-secondary" onClick={() => { setDone(null); setOpen(true); }}>
            {t.consent.record}
          </button>
        )
      ) : null}
    </section>
  );
}

function ConsentItem({ c, onWithdrawn }: { c: Consent; onWithdrawn: () => void }) {
  const t = useT();
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState("");
  const { run, busy, error } = useAction();
  async function withdraw(e: FormEvent) {
    e.preventDefault();
    const res = await run(() =>
      api.POST("/api/v1/citizens/{id}/consents/{consent_id}/withdraw", {
        params: { path: { id: c.citizen_id, consent_id: c.id } },
        body: { reason: reason.trim() || null },
      }),
    );
    if (res) onWithdrawn();
  }
  return (
    <li className="note-card">
      <p className="note-meta">
        {c.valid ? <Badge variant="success">{t.consent.valid}</Badge> : <Badge variant="info">{t.consent.invalid}</Badge>}{" "}
        {c.departments.map((d) => d.toUpperCase()).join(", ")} · {formatDate(c.given_at, t)} – {formatDate(c.expires_at, t)}
        {c.withdrawn_at ? ` · ${t.consent.withdrawn(formatDate(c.withdrawn_at, t))}` : ""}
      </p>
      <p className="note-text">{c.purpose}</p>
      <p className="small-text">
        {t.consent.document}: {c.document_reference}
      </p>
      {c.valid && !c.withdrawn_at ? (
        open ? (
          <form onSubmit={withdraw} noValidate>
            <ProblemAlert problem={error} />
            <TextField id={`wd-${c.id}`} label={t.consent.withdrawReason} value={reason} onChange={(e) => setReason(e.target.value)} />
            <div className="button-row">
              <button type="submit" className="button button-primary" disabled={busy}>{t.consent.withdrawSubmit}</button>
              <button type="button" className="button button-tertiary" onClick={() => setOpen(false)}>{t.app.cancel}</button>
            </div>
          </form>
        ) : (
          <button type="button" className="button button-tertiary" onClick={() => setOpen(true)}>{t.consent.withdraw}</button>
        )
      ) : null}
    </li>
  );
}

function RecordConsent({ citizenId, onDone, onCancel }: { citizenId: string; onDone: () => void; onCancel: () => void }) {
  const t = useT();
  const { me } = useAuth();
  const today = new Date();
  const inAYear = new Date(today.getTime() + 365 * 86_400_000);
  const [purpose, setPurpose] = useState("");
  const [departments, setDepartments] = useState<DepartmentCode[]>(me ? [me.department] : []);
  const [given, setGiven] = useState(isoDate(today));
  const [expires, setExpires] = useState(isoDate(inAYear));
  const [doc, setDoc] = useState("");
  const { run, busy, error } = useAction();
  const submission = useSubmissionKey();
  async function submit(e: FormEvent) {
    e.preventDefault();
    const res = await run(() =>
      api.POST("/api/v1/citizens/{id}/consents", {
        params: { path: { id: citizenId }, header: { "Idempotency-Key": submission.value } },
        body: {
          purpose: purpose.trim(),
          departments,
          given_at: new Date(`${given}T00:00:00`).toISOString(),
          expires_at: new Date(`${expires}T23:59:59`).toISOString(),
          document_reference: doc.trim(),
        },
      }),
    );
    if (res) {
      submission.created();
      onDone();
    }
  }
  const fe = error?.fields ?? {};
  return (
    <form onSubmit={submit} noValidate className="consent-form">
      <h3>{t.consent.record}</h3>
      <ProblemAlert problem={error} fieldIds={{ purpose: "cs-purpose", departments: "cs-departments", given_at: "cs-given", expires_at: "cs-expires", document_reference: "cs-doc" }} />
      <TextArea id="cs-purpose" label={t.consent.purpose} value={purpose} rows={2} required error={fe.purpose} onChange={(e) => setPurpose(e.target.value)} />
      <fieldset id="cs-departments">
        <legend className="form-label">{t.consent.departments}</legend>
        {fe.departments ? <span className="form-error-message">{fe.departments}</span> : null}
        {DEPARTMENTS.map((d) => (
          <Checkbox key={d} id={`cs-dep-${d}`} label={`${d.toUpperCase()} – ${t.codes.department[d]}`} checked={departments.includes(d)}
            onChange={(e) => setDepartments(e.target.checked ? [...departments, d] : departments.filter((x) => x !== d))} />
        ))}
      </fieldset>
      <div className="filters-row">
        <TextField id="cs-given" type="date" label={t.consent.givenAt} value={given} required error={fe.given_at} onChange={(e) => setGiven(e.target.value)} />
        <TextField id="cs-expires" type="date" label={t.consent.expiresAt} value={expires} required error={fe.expires_at} onChange={(e) => setExpires(e.target.value)} />
      </div>
      <TextField id="cs-doc" label={t.consent.document} hint={t.consent.documentHint} value={doc} required error={fe.document_reference} onChange={(e) => setDoc(e.target.value)} />
      <div className="button-row">
        <button type="submit" className="button button-primary" disabled={busy}>{t.consent.recordSubmit}</button>
        <button type="button" className="button button-tertiary" onClick={onCancel}>{t.app.cancel}</button>
      </div>
    </form>
  );
}

export function SendReferral({ citizenId }: { citizenId: string }) {
  const t = useT();
  const { me } = useAuth();
  const programmes = useProgrammes().filter((p) => p.active && !p.restricted && p.department !== me?.department);
  const [open, setOpen] = useState(false);
  // Read when the form opens, so a consent recorded a moment ago is offered.
  const consents = useLoad(
    open ? () => api.GET("/api/v1/citizens/{id}/consents", { params: { path: { id: citizenId } } }) : null,
    [citizenId, open],
  );
  const [programme, setProgramme] = useState("");
  const [reason, setReason] = useState("");
  const [consentId, setConsentId] = useState("");
  const [legal, setLegal] = useState("");
  const [sent, setSent] = useState(false);
  const { run, busy, error } = useAction();
  const submission = useSubmissionKey();
  if (!me?.roles.includes("caseworker")) return null;
  const dept = programmes.find((p) => p.code === programme)?.department;
  const covering = (consents.data ?? []).filter((c) => c.valid && dept && c.departments.includes(dept));

  async function submit(e: FormEvent) {
    e.preventDefault();
    const res = await run(() =>
      api.POST("/api/v1/referrals", {
        params: { header: { "Idempotency-Key": submission.value } },
        body: {
          citizen_id: citizenId,
          programme_code: programme,
          reason: reason.trim(),
          consent_id: consentId || null,
          legal_basis: consentId ? null : legal.trim() || null,
        },
      }),
    );
    if (res) {
      submission.created();
      setSent(true);
      setOpen(false);
      setProgramme("");
      setReason("");
      setLegal("");
    }
  }
  const fe = error?.fields ?? {};
  return (
    <section aria-labelledby="referral-heading">
      <h2 id="referral-heading">{t.referral.sendTitle}</h2>
      {sent ? <Alert variant="success">{t.referral.sent}</Alert> : null}
      {!open ? (
        <button type="button" className="button button-secondary" onClick={() => { setSent(false); setOpen(true); }}>{t.referral.send}</button>
      ) : (
        <form onSubmit={submit} noValidate>
          <ProblemAlert problem={error} fieldIds={{ programme_code: "rf-programme", reason: "rf-reason", consent_id: "rf-consent", legal_basis: "rf-legal" }} />
          <SelectField id="rf-programme" label={t.referral.programme} value={programme} required error={fe.programme_code}
            onChange={(e) => { setProgramme(e.target.value); setConsentId(""); }}>
            <option value="">{t.app.none}</option>
            {programmes.map((p) => (
              <option key={p.code} value={p.code}>
                {(t.lang === "da" ? p.name_da : p.name_en)} ({p.department.toUpperCase()})
              </option>
            ))}
          </SelectField>
          <TextArea id="rf-reason" label={t.referral.reason} value={reason} rows={3} required error={fe.reason} onChange={(e) => setReason(e.target.value)} />
          <SelectField id="rf-consent" label={t.referral.chooseConsent} value={consentId} error={fe.consent_id} onChange={(e) => setConsentId(e.target.value)}>
            <option value="">{t.referral.noConsent}</option>
            {covering.map((c) => (
              <option key={c.id} value={c.id}>
                {c.purpose.slice(0, 60)} ({formatDate(c.expires_at, t)})
              </option>
            ))}
          </SelectField>
          {!consentId ? (
            <TextField id="rf-legal" label={t.referral.legalBasis} hint={t.referral.legalBasisHint} value={legal} error={fe.legal_basis}
              onChange={(e) => setLegal(e.target.value)} />
          ) : null}
          <div className="button-row">
            <button type="submit" className="button button-primary" disabled={busy || !programme}>{t.referral.sendSubmit}</button>
            <button type="button" className="button button-tertiary" onClick={() => setOpen(false)}>{t.app.cancel}</button>
          </div>
        </form>
      )}
    </section>
  );
}

export function FileConcern({ citizenId }: { citizenId: string }) {
  const t = useT();
  const [open, setOpen] = useState(false);
  const [text, setText] = useState("");
  const [signs, setSigns] = useState("");
  const [receipt, setReceipt] = useState<{ id: string; received_at: string } | null>(null);
  const { run, busy, error } = useAction();
  const submission = useSubmissionKey();
  async function submit(e: FormEvent) {
    e.preventDefault();
    const res = await run(() =>
      api.POST("/api/v1/concerns", {
        params: { header: { "Idempotency-Key": submission.value } },
        body: { citizen_id: citizenId, text: text.trim(), signs: signs.split("\n").map((s) => s.trim()).filter(Boolean) },
      }),
    );
    if (res) {
      submission.created();
      setReceipt(res);
      setText("");
      setSigns("");
      setOpen(false);
    }
  }
  return (
    <section aria-labelledby="concern-heading">
      <h2 id="concern-heading">{t.concern.title}</h2>
      {receipt ? <Alert variant="success">{t.concern.receipt(receipt.id, formatDateTime(receipt.received_at, t))}</Alert> : null}
      {!open ? (
        <button type="button" className="button button-secondary" onClick={() => setOpen(true)}>{t.concern.file}</button>
      ) : (
        <form onSubmit={submit} noValidate>
          <p>{t.concern.intro}</p>
          <ProblemAlert problem={error} fieldIds={{ text: "cc-text", signs: "cc-signs" }} />
          <TextArea id="cc-text" label={t.concern.text} value={text} rows={4} required error={error?.fields.text} onChange={(e) => setText(e.target.value)} />
          <TextArea id="cc-signs" label={t.concern.signs} value={signs} rows={3} error={error?.fields.signs} onChange={(e) => setSigns(e.target.value)} />
          <div className="button-row">
            <button type="submit" className="button button-primary" disabled={busy}>{t.concern.submit}</button>
            <button type="button" className="button button-tertiary" onClick={() => setOpen(false)}>{t.app.cancel}</button>
          </div>
        </form>
      )}
    </section>
  );
}

// Grants taken in this tab, to show the countdown (memory only).
const grants = new Map<string, Grant>();

export function activeGrant(citizenId: string): Grant | undefined {
  const g = grants.get(citizenId);
  return g && new Date(g.expires_at).getTime() > Date.now() ? g : undefined;
}

/** Offered where a citizen is "not found": a reason, then three hours' read access. */
export function BreakGlass({ citizenId, onGranted }: { citizenId: string; onGranted: () => void }) {
  const t = useT();
  const { me } = useAuth();
  const [reason, setReason] = useState("");
  const [tooShort, setTooShort] = useState(false);
  const { run, busy, error } = useAction();
  const submission = useSubmissionKey();
  if (!me?.roles.includes("caseworker")) return null;
  async function submit(e: FormEvent) {
    e.preventDefault();
    if (reason.trim().length < 20) {
      setTooShort(true);
      return;
    }
    setTooShort(false);
    const res = await run(() =>
      api.POST("/api/v1/access-grants", {
        params: { header: { "Idempotency-Key": submission.value } },
        body: { citizen_id: citizenId, reason: reason.trim() },
      }),
    );
    if (res) {
      submission.created();
      grants.set(citizenId, res);
      onGranted();
    }
  }
  return (
    <details className="details">
      <summary className="details-summary">{t.grant.breakGlass}</summary>
      <div className="details-text">
        <p>{t.grant.breakGlassIntro}</p>
        <form onSubmit={submit} noValidate>
          <ProblemAlert problem={error} />
          <TextArea id="bg-reason" label={t.grant.reason} value={reason} rows={3} required
            error={tooShort ? t.grant.tooShort : error?.fields.reason} onChange={(e) => setReason(e.target.value)} />
          <button type="submit" className="button button-warning" disabled={busy}>{t.grant.submit}</button>
        </form>
      </div>
    </details>
  );
}

/** A visible countdown of the time left on a break-the-glass grant. */
export function GrantCountdown({ grant }: { grant: Grant }) {
  const t = useT();
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const timer = window.setInterval(() => setNow(Date.now()), 1000);
    return () => window.clearInterval(timer);
  }, []);
  const left = new Date(grant.expires_at).getTime() - now;
  if (left <= 0) return <Alert variant="warning">{t.grant.expired}</Alert>;
  const h = Math.floor(left / 3_600_000);
  const m = Math.floor((left % 3_600_000) / 60_000);
  const s = Math.floor((left % 60_000) / 1000);
  const text = `${h}:${String(m).padStart(2, "0")}:${String(s).padStart(2, "0")}`;
  return (
    <div className="alert alert-warning grant-countdown">
      <div className="alert-body">
        <p className="alert-text">
          {t.grant.active(text)}
          <span className="sr-only" aria-live="polite">{s === 0 ? t.grant.active(`${h}:${String(m).padStart(2, "0")}`) : ""}</span>
        </p>
      </div>
    </div>
  );
}
