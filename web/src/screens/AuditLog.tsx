import { useState, type FormEvent } from "react";
import { api } from "../api/client";
import { Loading, ProblemAlert } from "../components/feedback";
import { SelectField, TextField } from "../components/forms";
import { Pagination } from "../components/Pagination";
import { FIRST_PAGE, PAGE_SIZE, currentCursor, nextPage, previousPage, type Pager } from "../caseload/filters";
import { formatDateTime, useT } from "../i18n";
import { useStaffNames } from "../lib/staff";
import { useLoad } from "../lib/useLoad";

const ACTIONS = ["read", "search", "create", "update", "reveal", "break_glass", "login", "logout", "export", "denied"];
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

interface Filters { action: string; from: string; to: string; citizen: string; actor: string }
const EMPTY: Filters = { action: "", from: "", to: "", citizen: "", actor: "" };

/** Managers: their department's audit entries; auditors: all. */
export default function AuditLog() {
  const t = useT();
  const [form, setForm] = useState<Filters>(EMPTY);
  const [filters, setFilters] = useState<Filters>(EMPTY);
  const [errors, setErrors] = useState<Partial<Record<keyof Filters, string>>>({});
  const [pager, setPager] = useState<Pager>(FIRST_PAGE);
  const cursor = currentCursor(pager);
  const list = useLoad(
    () =>
      api.GET("/api/v1/audit", {
        params: {
          query: {
            action: filters.action || undefined,
            from: filters.from ? new Date(`${filters.from}T00:00:00`).toISOString() : undefined,
            to: filters.to ? new Date(`${filters.to}T23:59:59`).toISOString() : undefined,
            citizen_id: filters.citizen || undefined,
            actor_id: filters.actor || undefined,
            limit: PAGE_SIZE,
            cursor: cursor ?? undefined,
          },
        },
      }),
    [filters, cursor],
  );
  // Colleagues are named; staff of other departments keep their id (the API
  // names only the caller's own department).
  const staffName = useStaffNames(list.data?.items.map((a) => a.actor_id) ?? []);
  function submit(e: FormEvent) {
    e.preventDefault();
    const errs: typeof errors = {};
    if (form.citizen.trim() && !UUID.test(form.citizen.trim())) errs.citizen = t.audit.invalidId;
    if (form.actor.trim() && !UUID.test(form.actor.trim())) errs.actor = t.audit.invalidId;
    setErrors(errs);
    if (Object.keys(errs).length) return;
    setFilters({ ...form, citizen: form.citizen.trim(), actor: form.actor.trim() });
    setPager(FIRST_PAGE);
  }
  return (
    <>
      <h1>{t.audit.title}</h1>
      <p className="font-lead">{t.audit.intro}</p>
      <form onSubmit={submit} noValidate>
        <div className="filters-row">
          <SelectField id="au-action" label={t.audit.action} value={form.action} onChange={(e) => setForm({ ...form, action: e.target.value })}>
            <option value="">{t.audit.anyAction}</option>
            {ACTIONS.map((a) => <option key={a} value={a}>{a}</option>)}
          </SelectField>
          <TextField id="au-from" type="date" label={t.audit.from} value={form.from} onChange={(e) => setForm({ ...form, from: e.target.value })} />
          <TextField id="au-to" type="date" label={t.audit.to} value={form.to} onChange={(e) => setForm({ ...form, to: e.target.value })} />
        </div>
        <div className="filters-row">
          <TextField id="au-citizen" label={t.audit.citizenId} value={form.citizen} error={errors.citizen} onChange={(e) => setForm({ ...form, citizen: e.target.value })} />
          <TextField id="au-actor" label={t.audit.actorId} value={form.actor} error={errors.actor} onChange={(e) => setForm({ ...form, actor: e.target.value })} />
        </div>
        <button type="submit" className="button button-primary">{t.audit.show}</button>
      </form>
      <ProblemAlert problem={list.error} />
      {list.loading && !list.data ? <Loading /> : null}
      {list.data && !list.data.items.length ? <p>{t.audit.none}</p> : null}
      {list.data?.items.length ? (
        <div className="table--responsive-scroll">
          <table className="table table--zebra table--compact audit-table">
            <caption className="sr-only">{t.audit.title}</caption>
            <thead>
              <tr>
                <th scope="col">{t.audit.at}</th>
                <th scope="col">{t.audit.action}</th>
                <th scope="col">{t.audit.resource}</th>
                <th scope="col">{t.audit.actor}</th>
                <th scope="col">{t.audit.outcome}</th>
                <th scope="col">{t.audit.reason}</th>
              </tr>
            </thead>
            <tbody>
              {list.data.items.map((a) => (
                <tr key={a.id}>
                  <th scope="row">{formatDateTime(a.at, t)}</th>
                  <td>{a.action}</td>
                  <td>{a.resource_type}{a.citizen_id ? <><br /><span className="small-text">{a.citizen_id}</span></> : null}</td>
                  <td>{(a.actor_department ?? "").toUpperCase()} {a.actor_roles.join(", ")}<br /><span className="small-text">{staffName(a.actor_id) ?? a.actor_id ?? ""}</span></td>
                  <td>{a.outcome}</td>
                  <td>{a.reason ?? ""}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      {list.data ? (
        <Pagination label={t.audit.title} index={pager.index} hasNext={!!list.data.next_cursor}
          onPrevious={() => setPager(previousPage(pager))} onNext={() => setPager(nextPage(pager, list.data?.next_cursor))} />
      ) : null}
    </>
  );
}
