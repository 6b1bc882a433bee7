import { useState, type FormEvent } from "react";
import { api } from "../api/client";
import type { CitizenSummary, District, SearchCitizensRequest } from "../api/types";
import { ProblemAlert } from "../components/feedback";
import { SelectField, TextField } from "../components/forms";
import { Pagination } from "../components/Pagination";
import { FIRST_PAGE, PAGE_SIZE, currentCursor, nextPage, previousPage, type Pager } from "../caseload/filters";
import { DISTRICTS } from "../lib/codes";
import { label, useT } from "../i18n";
import { useProgrammes } from "../lib/programmes";
import { Link } from "../lib/router";
import { useAction } from "../lib/useLoad";

export default function CitizenSearch() {
  const t = useT();
  const programmes = useProgrammes();
  const [cpr, setCpr] = useState("");
  const [name, setName] = useState("");
  const [district, setDistrict] = useState("");
  const [programme, setProgramme] = useState("");
  const [clientError, setClientError] = useState<string | null>(null);
  const [query, setQuery] = useState<SearchCitizensRequest | null>(null);
  const [pager, setPager] = useState<Pager>(FIRST_PAGE);
  const [result, setResult] = useState<{ items: CitizenSummary[]; next_cursor?: string | null } | null>(null);
  const { run, busy, error } = useAction();

  async function search(q: SearchCitizensRequest, p: Pager) {
    const res = await run(() =>
      api.POST("/api/v1/citizens/search", { body: { ...q, limit: PAGE_SIZE, cursor: currentCursor(p) } }),
    );
    if (res) {
      setResult(res);
      setPager(p);
    }
  }

  function submit(e: FormEvent) {
    e.preventDefault();
    setClientError(null);
    const hasCpr = cpr.trim() !== "";
    const hasFilters = !!(name.trim() || district || programme);
    if (hasCpr && hasFilters) return setClientError(t.search.cprOrFilters);
    if (!hasCpr && !hasFilters) return setClientError(t.search.needSomething);
    const q: SearchCitizensRequest = hasCpr
      ? { cpr: cpr.trim() }
      : {
          name: name.trim() || null,
          district: (district || null) as District | null,
          programme: programme || null,
        };
    setQuery(q);
    void search(q, FIRST_PAGE);
  }

  return (
    <>
      <h1>{t.search.title}</h1>
      <p className="font-lead">{t.search.intro}</p>
      {clientError ? (
        <div className="alert alert-error" role="alert">
          <div className="alert-body">
            <p className="alert-text">{clientError}</p>
          </div>
        </div>
      ) : null}
      <ProblemAlert problem={error} fieldIds={{ cpr: "search-cpr", name: "search-name" }} />
      {/* method=post and no action: the CPR never lands in a URL, even without JavaScript. */}
      <form method="post" onSubmit={submit} noValidate autoComplete="off" className="search-form">
        <TextField
          id="search-cpr"
          label={t.search.byCpr}
          hint={t.search.byCprHint}
          inputMode="numeric"
          className="input-width-s"
          value={cpr}
          error={error?.fields.cpr}
          onChange={(e) => setCpr(e.target.value)}
        />
        <div className="filters-row">
          <TextField
            id="search-name"
            label={t.search.name}
            hint={t.search.nameHint}
            value={name}
            error={error?.fields.name}
            onChange={(e) => setName(e.target.value)}
          />
          <SelectField id="search-district" label={t.search.district} value={district} onChange={(e) => setDistrict(e.target.value)}>
            <option value="">{t.search.anyDistrict}</option>
            {DISTRICTS.map((d) => (
              <option key={d} value={d}>
                {t.codes.district[d]}
              </option>
            ))}
          </SelectField>
          <SelectField id="search-programme" label={t.search.programme} value={programme} onChange={(e) => setProgramme(e.target.value)}>
            <option value="">{t.search.anyProgramme}</option>
            {programmes.map((p) => (
              <option key={p.code} value={p.code}>
                {t.lang === "da" ? p.name_da : p.name_en}
              </option>
            ))}
          </SelectField>
        </div>
        <button type="submit" className="button button-primary" disabled={busy}>
          {t.search.submit}
        </button>
      </form>
      {result ? (
        <section aria-labelledby="results-heading">
          <h2 id="results-heading">{t.search.results}</h2>
          {result.items.length === 0 ? (
            <p>{t.search.noResults}</p>
          ) : (
            <table className="table table--zebra">
              <thead>
                <tr>
                  <th scope="col">{t.fields.given_name}</th>
                  <th scope="col">{t.search.cprMasked}</th>
                  <th scope="col">{t.search.district}</th>
                </tr>
              </thead>
              <tbody>
                {result.items.map((c) => (
                  <tr key={c.id}>
                    <th scope="row">
                      <Link href={`/borgere/${c.id}`}>
                        {c.given_name} {c.family_name}
                      </Link>
                    </th>
                    <td>{c.cpr_masked}</td>
                    <td>{label(t.codes.district, c.district, t)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          {query ? (
            <Pagination
              label={t.search.results}
              index={pager.index}
              hasNext={!!result.next_cursor}
              onPrevious={() => void search(query, previousPage(pager))}
              onNext={() => void search(query, nextPage(pager, result.next_cursor))}
            />
          ) : null}
        </section>
      ) : null}
    </>
  );
}
