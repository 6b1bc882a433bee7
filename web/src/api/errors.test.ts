import { describe, expect, it } from "vitest";
import { da } from "../i18n/da";
import { en } from "../i18n/en";
import { describeNetworkError, describeProblem, describeResult, fieldMessage, problemCode } from "./errors";

describe("problem+json to Danish", () => {
  it("reads the code from the problem type", () => {
    expect(problemCode({ type: "urn:medborger:problem:not-found" }, 404)).toBe("not-found");
    expect(problemCode(undefined, 503)).toBe("service-unavailable");
    expect(problemCode({ type: "about:blank" }, 500)).toBe("internal-error");
  });

  it("says 'not found' without telling whether it exists", () => {
    const d = describeProblem({ type: "urn:medborger:problem:not-found", title: "Not found", status: 404 }, 404, da);
    expect(d.message).toBe("Det findes ikke, eller du har ikke adgang til det.");
  });

  it("puts each invalid field's message by its field, in Danish", () => {
    const d = describeProblem(
      {
        type: "urn:medborger:problem:validation-failed",
        title: "Validation failed",
        status: 422,
        errors: [
          { field: "cpr", code: "invalid", message: "not a CPR number" },
          { field: "given_name", code: "required", message: "must not be empty" },
          { field: "email", code: "invalid", message: "is not an e-mail address" },
        ],
      },
      422,
      da,
    );
    expect(d.message).toBe("Nogle felter er ikke udfyldt korrekt.");
    expect(d.fields).toEqual({
      cpr: "CPR-nummeret er ikke gyldigt. Skriv 10 cifre med en gyldig fødselsdato.",
      given_name: "Fornavn skal udfyldes.",
      email: "E-mailadressen er ikke gyldig.",
    });
  });

  it("falls back to the field's label and a generic phrase for unknown codes", () => {
    expect(fieldMessage("family_name", "too_long", da)).toBe("Efternavn er for lang.");
    expect(fieldMessage("mystery", "weird", da)).toBe("mystery er ikke gyldig.");
  });

  it("explains known conflicts, such as the Barnets Lov interlock", () => {
    const d = describeProblem(
      {
        type: "urn:medborger:problem:conflict",
        status: 409,
        title: "Conflict",
        detail: "Barnets Lov: record a risk assessment before any contact with the child's parents is logged.",
      },
      409,
      da,
    );
    expect(d.message).toMatch(/^Barnets Lov: Der skal registreres en risikovurdering/);
    const other = describeProblem({ type: "urn:medborger:problem:conflict", status: 409, title: "Conflict", detail: "something new" }, 409, da);
    expect(other.message).toBe(da.errors.problem.conflict);
  });

  it("explains the programme catalogue's errors: a taken code, an invalid code", () => {
    const taken = describeProblem(
      { type: "urn:medborger:problem:conflict", status: 409, title: "Conflict", detail: "A programme with that code exists." },
      409,
      da,
    );
    expect(taken.message).toBe("Der findes allerede en indsats med den kode.");
    const invalid = describeProblem(
      {
        type: "urn:medborger:problem:validation-failed",
        status: 422,
        title: "Validation failed",
        errors: [{ field: "code", code: "invalid", message: "2–64 lower-case letters, digits or _" }],
      },
      422,
      en,
    );
    expect(invalid.fields.code).toMatch(/^The code must be 2–64 characters/);
    expect(fieldMessage("milestone_rules[1]", "invalid_code", da)).toBe(
      "Milepæl 2 skal have en unik kode med små bogstaver a–z, tal eller _.",
    );
    expect(fieldMessage("milestone_rules", "too_many", en)).toBe("A programme can have at most 20 milestones.");
  });

  it("explains why a follow-up outcome waits for the enrolment's end", () => {
    const notEnded = describeProblem(
      {
        type: "urn:medborger:problem:conflict",
        status: 409,
        title: "Conflict",
        detail: "The enrolment has not ended: the measurement 6 months after the end can be recorded once it has ended.",
      },
      409,
      da,
    );
    expect(notEnded.message).toBe("Målingen 6 eller 12 måneder efter afslutning kan først registreres, når forløbet er afsluttet.");
    const early = describeProblem(
      {
        type: "urn:medborger:problem:validation-failed",
        status: 422,
        title: "Validation failed",
        errors: [{ field: "measured_on", code: "before_follow_up", message: "on or after 2027-06-02" }],
      },
      422,
      da,
    );
    expect(early.fields.measured_on).toBe("Målingen skal ligge mindst 6 (eller 12) måneder efter forløbets slutdato.");
  });

  it("tells how long to wait when sign-in is throttled", () => {
    const d = describeProblem({ type: "urn:medborger:problem:too-many-requests", status: 429, title: "x" }, 429, da, { retryAfterSecs: 30 });
    expect(d.message).toBe("For mange mislykkede forsøg. Vent 30 sekunder, før du prøver igen.");
  });

  it("keeps the request id for support", () => {
    const d = describeProblem({ type: "urn:medborger:problem:internal-error", status: 500, title: "x", request_id: "abc" }, 500, da);
    expect(d.requestId).toBe("abc");
    expect(d.message).toMatch(/fejl i systemet/);
  });

  it("speaks English when English is chosen", () => {
    const d = describeProblem({ type: "urn:medborger:problem:invalid-credentials", status: 401, title: "x" }, 401, en);
    expect(d.message).toBe("The username or password is wrong.");
  });

  it("describes a missing answer as a connection problem", () => {
    expect(describeNetworkError(da).message).toBe("Der er ingen forbindelse til serveren. Prøv igen om lidt.");
  });

  it("reads an openapi-fetch result, with Retry-After", () => {
    const response = new Response(null, { status: 429, headers: { "Retry-After": "60" } });
    const d = describeResult({ error: { type: "urn:medborger:problem:too-many-requests" }, response }, da);
    expect(d?.message).toMatch(/Vent 60 sekunder/);
    expect(describeResult({ response: new Response("{}", { status: 200 }) }, da)).toBeNull();
  });

  it("has a Danish and an English text for every problem code the API has", () => {
    const codes = [
      "bad-request", "unauthenticated", "invalid-credentials", "forbidden", "not-found", "method-not-allowed",
      "conflict", "precondition-failed", "payload-too-large", "unsupported-media-type", "validation-failed",
      "precondition-required", "too-many-requests", "service-unavailable", "internal-error",
    ];
    for (const c of codes) {
      expect(da.errors.problem[c], c).toBeTruthy();
      expect(en.errors.problem[c], c).toBeTruthy();
    }
  });
});

describe("dictionaries", () => {
  it("have the same keys in Danish and English", () => {
    const keys = (o: object, p = ""): string[] =>
      Object.entries(o).flatMap(([k, v]) => (v && typeof v === "object" ? keys(v, `${p}${k}.`) : [`${p}${k}`]));
    expect(keys(en).sort()).toEqual(keys(da).sort());
  });
});
