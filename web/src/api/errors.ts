// Turns what the API answers (RFC 9457 problem+json, or no answer at all)
// into words a caseworker understands, in the chosen language, with the
// invalid fields' messages keyed by field name so a form can show each one
// beside its field.
import type { Messages } from "../i18n/da";

export interface ProblemLike {
  type?: string;
  title?: string;
  status?: number;
  detail?: string | null;
  request_id?: string | null;
  errors?: { field: string; code: string; message: string }[];
}

export interface Described {
  /** One sentence for the top of the form or page. */
  message: string;
  /** Field name → message, for 422 answers. */
  fields: Record<string, string>;
  /** The API's request id, for support. */
  requestId?: string;
  status: number;
  code: string;
}

/** The stable code: the last segment of `urn:medborger:problem:<code>`. */
export function problemCode(p: ProblemLike | undefined, status: number): string {
  const type = p?.type ?? "";
  const m = /^urn:medborger:problem:([a-z-]+)$/.exec(type);
  if (m) return m[1];
  switch (status) {
    case 400: return "bad-request";
    case 401: return "unauthenticated";
    case 403: return "forbidden";
    case 404: return "not-found";
    case 409: return "conflict";
    case 412: return "precondition-failed";
    case 413: return "payload-too-large";
    case 422: return "validation-failed";
    case 428: return "precondition-required";
    case 429: return "too-many-requests";
    case 503: return "service-unavailable";
    default: return status >= 500 ? "internal-error" : "unknown";
  }
}

// The API's conflict details (English, stable) mapped to the dictionary.
const CONFLICTS: [RegExp, keyof Messages["errors"]["conflicts"]][] = [
  [/Idempotency-Key was used for a different request/i, "idempotency"],
  [/already corrected/i, "alreadyCorrected"],
  [/milestone is already met or waived/i, "milestoneDone"],
  [/Barnets Lov/i, "barnetsLov"],
  [/needs the citizen's valid consent/i, "consentNeeded"],
  [/An enrolment that is .* can move to/i, "transition"],
  [/concurrent change/i, "concurrent"],
  [/already referred to this programme/i, "alreadyReferred"],
  [/can already see this citizen/i, "alreadyVisible"],
  [/Restricted enrolments have no mentors/i, "restrictedNoMentor"],
  [/registered at this very moment/i, "registeredNow"],
  [/The enrolment has not ended/i, "notEnded"],
  [/A programme with that code exists/i, "programmeExists"],
];

export function fieldMessage(field: string, code: string, t: Messages): string {
  const specific = t.errors.fieldSpecific[`${field}:${code}`];
  if (specific) return specific;
  // An item of a list, e.g. `milestone_rules[2]`: the list's label and the item's number.
  const item = /^([a-z_]+)\[(\d+)\]$/.exec(field);
  const itemLabel = item ? t.fields[`${item[1]}[]`] : undefined;
  const label = item && itemLabel ? `${itemLabel} ${Number(item[2]) + 1}` : (t.fields[field] ?? field);
  const what = t.errors.field[code] ?? t.errors.field.invalid;
  return t.errors.fieldGeneric(label, what);
}

export function describeProblem(
  p: ProblemLike | undefined,
  status: number,
  t: Messages,
  opts: { retryAfterSecs?: number } = {},
): Described {
  const code = problemCode(p, status);
  const fields: Record<string, string> = {};
  for (const e of p?.errors ?? []) {
    // The first message per field wins; later ones are usually consequences.
    fields[e.field] ??= fieldMessage(e.field, e.code, t);
  }
  let message = t.errors.problem[code] ?? t.errors.unknown;
  if (code === "conflict" && p?.detail) {
    const hit = CONFLICTS.find(([re]) => re.test(p.detail!));
    if (hit) message = t.errors.conflicts[hit[1]];
  }
  if (code === "too-many-requests" && opts.retryAfterSecs && opts.retryAfterSecs > 0) {
    message = t.errors.tooManyWait(opts.retryAfterSecs);
  }
  // A 422 whose only error is about the whole body says so at the top.
  if (code === "validation-failed" && fields.body) message = fields.body;
  return { message, fields, requestId: p?.request_id ?? undefined, status, code };
}

/** For a thrown fetch (no answer: offline, DNS, connection reset). */
export function describeNetworkError(t: Messages): Described {
  return { message: t.errors.network, fields: {}, status: 0, code: "network" };
}

/** Reads the result of an openapi-fetch call into `Described` when it failed. */
export function describeResult(
  res: { error?: unknown; response: Response },
  t: Messages,
): Described | null {
  if (res.response.ok) return null;
  const retry = Number(res.response.headers.get("Retry-After") ?? "");
  return describeProblem(res.error as ProblemLike | undefined, res.response.status, t, {
    retryAfterSecs: Number.isFinite(retry) ? retry : undefined,
  });
}
