import { useState, type FormEvent } from "react";
import { api } from "../api/client";
import type { components } from "../api/schema";
import type { Role } from "../api/types";
import { Alert, Badge, Loading, ProblemAlert } from "../components/feedback";
import { Checkbox, SelectField, TextField } from "../components/forms";
import { useT } from "../i18n";
import { useAuth } from "../lib/auth";
import { useAction, useLoad } from "../lib/useLoad";

type User = components["schemas"]["UserView"];
type Team = components["schemas"]["TeamView"];
type Department = components["schemas"]["DepartmentCode"];

const ROLES: Role[] = ["caseworker", "mentor", "manager", "auditor", "admin"];
const DEPARTMENTS: Department[] = ["bif", "buf", "kff", "sof", "suf", "tmf", "okf"];

/** The administrator's users and teams: create, roles, teams, deactivate, reset password. */
export default function AdminUsers() {
  const t = useT();
  const [cursor, setCursor] = useState<string | undefined>();
  const [trail, setTrail] = useState<(string | undefined)[]>([]);
  const users = useLoad(() => api.GET("/api/v1/admin/users", { params: { query: { limit: 50, cursor } } }), [cursor]);
  const teams = useLoad(() => api.GET("/api/v1/admin/teams", { params: { query: { limit: 200 } } }), []);
  const [flash, setFlash] = useState<string | null>(null);
  const teamList = teams.data?.items ?? [];
  const changed = (message: string) => {
    setFlash(message);
    users.reload();
    teams.reload();
  };
  return (
    <>
      <h1>{t.admin.title}</h1>
      <p className="font-lead">{t.admin.intro}</p>
      {flash ? <Alert variant="success">{flash}</Alert> : null}
      <ProblemAlert problem={users.error ?? teams.error} />
      <section aria-labelledby="users-heading">
        <h2 id="users-heading">{t.admin.users}</h2>
        {users.loading && !users.data ? <Loading /> : null}
        {users.data ? (
          <table className="table table--zebra admin-users">
            <thead>
              <tr>
                <th scope="col">{t.admin.username}</th>
                <th scope="col">{t.admin.fullName}</th>
                <th scope="col">{t.admin.department}</th>
                <th scope="col">{t.admin.roles}</th>
                <th scope="col">{t.admin.state}</th>
              </tr>
            </thead>
            <tbody>
              {users.data.items.map((u) => (
                <tr key={u.id}>
                  <th scope="row">{u.username}</th>
                  <td>{u.full_name}</td>
                  <td>{u.department.toUpperCase()}</td>
                  <td>{u.roles.map((r) => t.admin.role[r]).join(", ")}</td>
                  <td>{u.active ? <Badge variant="success">{t.admin.active}</Badge> : <Badge variant="warning">{t.admin.inactive}</Badge>}</td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : null}
        <div className="button-row">
          <button type="button" className="button button-secondary" disabled={!trail.length}
            onClick={() => { setCursor(trail[trail.length - 1]); setTrail(trail.slice(0, -1)); }}>
            {t.admin.previous}
          </button>
          <button type="button" className="button button-secondary" disabled={!users.data?.next_cursor}
            onClick={() => { setTrail([...trail, cursor]); setCursor(users.data?.next_cursor ?? undefined); }}>
            {t.admin.next}
          </button>
        </div>
        {users.data?.items.map((u) => <EditUser key={`${u.id}-${u.version}`} user={u} teams={teamList} onChanged={changed} />)}
      </section>
      <CreateUser teams={teamList} onCreated={changed} />
      <Teams teams={teamList} onChanged={changed} />
    </>
  );
}

function TeamChoices({ idPrefix, teams, department, chosen, onChange }: {
  idPrefix: string; teams: Team[]; department: Department; chosen: string[]; onChange: (ids: string[]) => void;
}) {
  const t = useT();
  const own = teams.filter((tm) => tm.department === department && tm.active);
  return (
    <fieldset>
      <legend className="form-label">{t.admin.teams}</legend>
      {own.length ? null : <p className="small-text">{t.admin.noTeams}</p>}
      {own.map((tm) => (
        <Checkbox key={tm.id} id={`${idPrefix}-team-${tm.id}`} label={tm.restricted ? `${tm.name} (${t.admin.restricted})` : tm.name}
          checked={chosen.includes(tm.id)}
          onChange={(e) => onChange(e.target.checked ? [...chosen, tm.id] : chosen.filter((x) => x !== tm.id))} />
      ))}
    </fieldset>
  );
}

function RoleChoices({ idPrefix, chosen, onChange }: { idPrefix: string; chosen: Role[]; onChange: (r: Role[]) => void }) {
  const t = useT();
  return (
    <fieldset>
      <legend className="form-label">{t.admin.roles}</legend>
      {ROLES.map((r) => (
        <Checkbox key={r} id={`${idPrefix}-role-${r}`} label={t.admin.role[r]} checked={chosen.includes(r)}
          onChange={(e) => onChange(e.target.checked ? [...chosen, r] : chosen.filter((x) => x !== r))} />
      ))}
    </fieldset>
  );
}

function CreateUser({ teams, onCreated }: { teams: Team[]; onCreated: (message: string) => void }) {
  const t = useT();
  const empty = { username: "", full_name: "", department: "bif" as Department, roles: [] as Role[], team_ids: [] as string[], password: "" };
  const [form, setForm] = useState(empty);
  const { run, busy, error } = useAction();
  async function submit(e: FormEvent) {
    e.preventDefault();
    const res = await run(() => api.POST("/api/v1/admin/users", { body: form }));
    if (res) {
      setForm(empty);
      onCreated(t.admin.created(res.username));
    }
  }
  const fe = error?.fields ?? {};
  return (
    <section aria-labelledby="create-user-heading">
      <h2 id="create-user-heading">{t.admin.createUser}</h2>
      <form onSubmit={submit} noValidate>
        <ProblemAlert problem={error} fieldIds={{ username: "nu-username", full_name: "nu-name", password: "nu-password" }} />
        <TextField id="nu-username" label={t.admin.username} value={form.username} required error={fe.username}
          onChange={(e) => setForm({ ...form, username: e.target.value })} />
        <TextField id="nu-name" label={t.admin.fullName} value={form.full_name} required error={fe.full_name}
          onChange={(e) => setForm({ ...form, full_name: e.target.value })} />
        <SelectField id="nu-department" label={t.admin.department} value={form.department}
          onChange={(e) => setForm({ ...form, department: e.target.value as Department, team_ids: [] })}>
          {DEPARTMENTS.map((d) => <option key={d} value={d}>{d.toUpperCase()}</option>)}
        </SelectField>
        <RoleChoices idPrefix="nu" chosen={form.roles} onChange={(roles) => setForm({ ...form, roles })} />
        <TeamChoices idPrefix="nu" teams={teams} department={form.department} chosen={form.team_ids} onChange={(team_ids) => setForm({ ...form, team_ids })} />
        <TextField id="nu-password" type="password" autoComplete="new-password" label={t.admin.password} hint={t.admin.passwordHint}
          value={form.password} required error={fe.password} onChange={(e) => setForm({ ...form, password: e.target.value })} />
        <button type="submit" className="button button-primary" disabled={busy}>{t.admin.createSubmit}</button>
      </form>
    </section>
  );
}

function EditUser({ user, teams, onChanged }: { user: User; teams: Team[]; onChanged: (message: string) => void }) {
  const t = useT();
  const { me } = useAuth();
  const own = me?.id === user.id;
  const [roles, setRoles] = useState<Role[]>(user.roles);
  const [teamIds, setTeamIds] = useState<string[]>(user.team_ids);
  const [password, setPassword] = useState("");
  const { run, busy, error } = useAction();
  const prefix = `eu-${user.id}`;

  async function patch(body: components["schemas"]["UpdateUserRequest"], message: string) {
    const res = await run(() =>
      api.PATCH("/api/v1/admin/users/{id}", {
        params: { path: { id: user.id }, header: { "If-Match": `"${user.version}"` } },
        body,
      }),
    );
    if (res) {
      setPassword("");
      onChanged(message);
    }
  }

  return (
    <details className="details admin-user">
      <summary className="details-summary">{t.admin.edit(user.username)}</summary>
      <div className="details-text">
        <ProblemAlert problem={error} fieldIds={{ password: `${prefix}-password` }} />
        {own ? <p className="small-text">{t.admin.ownAccess}</p> : null}
        <form noValidate onSubmit={(e) => { e.preventDefault(); void patch({ roles, team_ids: teamIds }, t.admin.saved(user.username)); }}>
          <RoleChoices idPrefix={prefix} chosen={roles} onChange={setRoles} />
          <TeamChoices idPrefix={prefix} teams={teams} department={user.department} chosen={teamIds} onChange={setTeamIds} />
          <button type="submit" className="button button-primary" disabled={busy || own}>{t.admin.saveAccess}</button>
        </form>
        <form noValidate onSubmit={(e) => { e.preventDefault(); void patch({ password }, t.admin.passwordReset(user.username)); }}>
          <TextField id={`${prefix}-password`} type="password" autoComplete="new-password" label={t.admin.newPassword}
            hint={t.admin.resetHint} value={password} error={error?.fields.password} onChange={(e) => setPassword(e.target.value)} />
          <button type="submit" className="button button-secondary" disabled={busy || !password}>{t.admin.resetPassword}</button>
        </form>
        <button type="button" className="button button-secondary" disabled={busy || own}
          onClick={() => void patch({ active: !user.active }, user.active ? t.admin.deactivated(user.username) : t.admin.reactivated(user.username))}>
          {user.active ? t.admin.deactivate : t.admin.reactivate}
        </button>
      </div>
    </details>
  );
}

function Teams({ teams, onChanged }: { teams: Team[]; onChanged: (message: string) => void }) {
  const t = useT();
  const [form, setForm] = useState({ name: "", department: "bif" as Department, restricted: false });
  const { run, busy, error } = useAction();
  async function submit(e: FormEvent) {
    e.preventDefault();
    const res = await run(() => api.POST("/api/v1/admin/teams", { body: form }));
    if (res) {
      setForm({ ...form, name: "" });
      onChanged(t.admin.teamCreated(res.name));
    }
  }
  return (
    <section aria-labelledby="teams-heading">
      <h2 id="teams-heading">{t.admin.teams}</h2>
      <table className="table table--zebra">
        <thead>
          <tr>
            <th scope="col">{t.admin.teamName}</th>
            <th scope="col">{t.admin.department}</th>
            <th scope="col">{t.admin.state}</th>
          </tr>
        </thead>
        <tbody>
          {teams.map((tm) => (
            <tr key={tm.id}>
              <th scope="row">{tm.name}{tm.restricted ? ` (${t.admin.restricted})` : ""}</th>
              <td>{tm.department.toUpperCase()}</td>
              <td>{tm.active ? t.admin.active : t.admin.inactive}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <h3>{t.admin.createTeam}</h3>
      <form onSubmit={submit} noValidate>
        <ProblemAlert problem={error} fieldIds={{ name: "nt-name" }} />
        <TextField id="nt-name" label={t.admin.teamName} value={form.name} required error={error?.fields.name}
          onChange={(e) => setForm({ ...form, name: e.target.value })} />
        <SelectField id="nt-department" label={t.admin.department} value={form.department}
          onChange={(e) => setForm({ ...form, department: e.target.value as Department })}>
          {DEPARTMENTS.map((d) => <option key={d} value={d}>{d.toUpperCase()}</option>)}
        </SelectField>
        <Checkbox id="nt-restricted" label={t.admin.restrictedTeam} checked={form.restricted}
          onChange={(e) => setForm({ ...form, restricted: e.target.checked })} />
        <button type="submit" className="button button-primary" disabled={busy}>{t.admin.createTeamSubmit}</button>
      </form>
    </section>
  );
}
