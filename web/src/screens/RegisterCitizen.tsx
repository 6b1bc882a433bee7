import { useState, type FormEvent } from "react";
import { api } from "../api/client";
import type { RegisterCitizenRequest } from "../api/types";
import { ProblemAlert } from "../components/feedback";
import { Checkbox, SelectField, TextField } from "../components/forms";
import { useT } from "../i18n";
import { DANISH_LEVELS, DISTRICTS, EMPLOYMENT, NEEDS, RESIDENCE } from "../lib/codes";
import { setFlash } from "../lib/flash";
import { navigate } from "../lib/router";
import { useSubmissionKey } from "../lib/submissionKey";
import { useAction } from "../lib/useLoad";

type Form = Record<
  | "cpr" | "given_name" | "family_name" | "phone" | "email" | "address" | "district" | "preferred_language"
  | "country_of_birth" | "citizenship" | "mother_country_of_birth" | "mother_citizenship"
  | "father_country_of_birth" | "father_citizenship" | "arrival_date" | "visitation_date"
  | "residence_basis" | "employment_status" | "danish_level",
  string
>;

const EMPTY: Form = {
  cpr: "", given_name: "", family_name: "", phone: "", email: "", address: "", district: "", preferred_language: "",
  country_of_birth: "", citizenship: "", mother_country_of_birth: "", mother_citizenship: "",
  father_country_of_birth: "", father_citizenship: "", arrival_date: "", visitation_date: "",
  residence_basis: "", employment_status: "", danish_level: "",
};

/** The request body: empty optional fields are sent as null, codes upper-cased. */
export function toRequest(f: Form, needs: string[], interpreter: boolean): RegisterCitizenRequest {
  const opt = (v: string) => (v.trim() === "" ? null : v.trim());
  const country = (v: string) => opt(v)?.toUpperCase() ?? null;
  return {
    cpr: f.cpr.trim(),
    given_name: f.given_name.trim(),
    family_name: f.family_name.trim(),
    phone: opt(f.phone),
    email: opt(f.email),
    address: opt(f.address),
    district: opt(f.district) as RegisterCitizenRequest["district"],
    preferred_language: opt(f.preferred_language)?.toLowerCase() ?? null,
    interpreter_needed: interpreter,
    country_of_birth: country(f.country_of_birth),
    citizenship: country(f.citizenship),
    mother_country_of_birth: country(f.mother_country_of_birth),
    mother_citizenship: country(f.mother_citizenship),
    father_country_of_birth: country(f.father_country_of_birth),
    father_citizenship: country(f.father_citizenship),
    arrival_date: opt(f.arrival_date),
    visitation_date: opt(f.visitation_date),
    residence_basis: opt(f.residence_basis) as RegisterCitizenRequest["residence_basis"],
    employment_status: opt(f.employment_status) as RegisterCitizenRequest["employment_status"],
    danish_level: opt(f.danish_level) as RegisterCitizenRequest["danish_level"],
    needs: needs as RegisterCitizenRequest["needs"],
  };
}

export default function RegisterCitizen() {
  const t = useT();
  const [form, setForm] = useState<Form>(EMPTY);
  const [needs, setNeeds] = useState<string[]>([]);
  const [interpreter, setInterpreter] = useState(false);
  const { run, busy, error } = useAction();
  const submission = useSubmissionKey();
  const fe = error?.fields ?? {};

  const field = (name: keyof Form, extra: { required?: boolean; hint?: string; type?: string; className?: string } = {}) => (
    <TextField
      id={`f-${name}`}
      name={name}
      label={t.fields[name]}
      value={form[name]}
      error={fe[name]}
      onChange={(e) => setForm({ ...form, [name]: e.target.value })}
      {...extra}
    />
  );
  const select = (name: keyof Form, codes: string[], labels: Record<string, string>) => (
    <SelectField id={`f-${name}`} name={name} label={t.fields[name]} value={form[name]} error={fe[name]}
      onChange={(e) => setForm({ ...form, [name]: e.target.value })}>
      <option value="">{t.app.none}</option>
      {codes.map((c) => (
        <option key={c} value={c}>
          {labels[c] ?? c}
        </option>
      ))}
    </SelectField>
  );

  async function submit(e: FormEvent) {
    e.preventDefault();
    let status = 0;
    const created = await run(async () => {
      const res = await api.POST("/api/v1/citizens", {
        params: { header: { "Idempotency-Key": submission.value } },
        body: toRequest(form, needs, interpreter),
      });
      status = res.response.status;
      return res;
    });
    if (created) {
      submission.created();
      setFlash(status === 201 ? t.register.created : t.register.existing);
      navigate(`/borgere/${created.id}`);
    }
  }

  const fieldIds = Object.fromEntries(Object.keys(EMPTY).map((k) => [k, `f-${k}`]));
  fieldIds.needs = "f-needs";

  return (
    <>
      <h1>{t.register.title}</h1>
      <p>{t.register.intro}</p>
      <ProblemAlert problem={error} fieldIds={fieldIds} heading={error?.code === "validation-failed" ? t.register.errorSummary : undefined} />
      <form onSubmit={submit} noValidate autoComplete="off" className="register-form">
        <fieldset>
          <legend className="h3">{t.register.sectionPerson}</legend>
          {field("cpr", { required: true, hint: t.search.byCprHint, className: "input-width-s" })}
          {field("given_name", { required: true })}
          {field("family_name", { required: true })}
        </fieldset>
        <fieldset>
          <legend className="h3">{t.register.sectionContact}</legend>
          {field("phone", { type: "tel" })}
          {field("email", { type: "email" })}
          {field("address")}
          {select("district", DISTRICTS, t.codes.district)}
          {field("preferred_language", { hint: t.register.languageHint, className: "input-width-xs" })}
          <Checkbox id="f-interpreter" label={t.register.interpreterNeeded} checked={interpreter}
            onChange={(e) => setInterpreter(e.target.checked)} />
        </fieldset>
        <fieldset>
          <legend className="h3">{t.register.sectionBackground}</legend>
          {field("country_of_birth", { hint: t.register.countryHint, className: "input-width-xs" })}
          {field("citizenship", { hint: t.register.countryHint, className: "input-width-xs" })}
          {field("mother_country_of_birth", { hint: t.register.countryHint, className: "input-width-xs" })}
          {field("mother_citizenship", { hint: t.register.countryHint, className: "input-width-xs" })}
          {field("father_country_of_birth", { hint: t.register.countryHint, className: "input-width-xs" })}
          {field("father_citizenship", { hint: t.register.countryHint, className: "input-width-xs" })}
          {field("arrival_date", { type: "date" })}
          {field("visitation_date", { type: "date" })}
          {select("residence_basis", RESIDENCE, t.codes.residence)}
          {select("employment_status", EMPLOYMENT, t.codes.employment)}
          {select("danish_level", DANISH_LEVELS, t.codes.danishLevel)}
        </fieldset>
        <fieldset id="f-needs" aria-describedby={fe.needs ? "f-needs-error" : undefined}>
          <legend className="h3">{t.register.sectionNeeds}</legend>
          {fe.needs ? (
            <span className="form-error-message" id="f-needs-error">
              {fe.needs}
            </span>
          ) : null}
          {NEEDS.map((n) => (
            <Checkbox
              key={n}
              id={`need-${n}`}
              label={t.codes.need[n]}
              checked={needs.includes(n)}
              onChange={(e) => setNeeds(e.target.checked ? [...needs, n] : needs.filter((x) => x !== n))}
            />
          ))}
        </fieldset>
        <button type="submit" className="button button-primary" disabled={busy}>
          {t.register.submit}
        </button>
      </form>
    </>
  );
}
