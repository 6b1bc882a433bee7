// The caseload filters: the form's state, its validation and the query it
// sends. Pure, so the component tests can check every rule.
import type { Status } from "../api/types";

export interface CaseloadFilters {
  programme: string;
  status: Status | "";
  overdueOnly: boolean;
  /** As typed; empty means no requirement. */
  silentDays: string;
}

export const EMPTY_FILTERS: CaseloadFilters = { programme: "", status: "", overdueOnly: false, silentDays: "" };

export const PAGE_SIZE = 25;

/** The statuses an open caseload can hold (closed enrolments are never in it). */
export const CASELOAD_STATUSES: Status[] = ["referred", "active", "paused"];

export interface FilterErrors {
  silentDays?: "invalid";
}

export function validateFilters(f: CaseloadFilters): FilterErrors {
  const errors: FilterErrors = {};
  const s = f.silentDays.trim();
  if (s !== "") {
    const n = Number(s);
    if (!/^\d+$/.test(s) || !Number.isInteger(n) || n < 1 || n > 3650) errors.silentDays = "invalid";
  }
  return errors;
}

export interface CaseloadQuery {
  programme?: string;
  status?: Status;
  overdue_only?: boolean;
  silent_days?: number;
  limit: number;
  cursor?: string;
  caseworker_id?: string;
}

/** The GET /api/v1/caseload query for one page: only set filters are sent. */
export function toQuery(f: CaseloadFilters, cursor?: string | null, caseworkerId?: string | null): CaseloadQuery {
  const q: CaseloadQuery = { limit: PAGE_SIZE };
  if (f.programme) q.programme = f.programme;
  if (f.status) q.status = f.status;
  if (f.overdueOnly) q.overdue_only = true;
  const s = f.silentDays.trim();
  if (s && !validateFilters(f).silentDays) q.silent_days = Number(s);
  if (cursor) q.cursor = cursor;
  if (caseworkerId) q.caseworker_id = caseworkerId;
  return q;
}

export function activeFilterCount(f: CaseloadFilters): number {
  return (f.programme ? 1 : 0) + (f.status ? 1 : 0) + (f.overdueOnly ? 1 : 0) + (f.silentDays.trim() ? 1 : 0);
}

/**
 * Keyset paging: the cursors of the pages seen so far, so "previous" goes
 * back without asking for more than one page. Page 0 has no cursor.
 */
export interface Pager {
  cursors: (string | null)[];
  index: number;
}

export const FIRST_PAGE: Pager = { cursors: [null], index: 0 };

export function nextPage(p: Pager, nextCursor: string | null | undefined): Pager {
  if (!nextCursor) return p;
  const cursors = p.cursors.slice(0, p.index + 1);
  cursors.push(nextCursor);
  return { cursors, index: p.index + 1 };
}

export function previousPage(p: Pager): Pager {
  return p.index === 0 ? p : { cursors: p.cursors, index: p.index - 1 };
}

export function currentCursor(p: Pager): string | null {
  return p.cursors[p.index] ?? null;
}

/** Overdue if it has an overdue milestone, or its next deadline is before today. */
export function isOverdue(item: { overdue_milestones: number; next_due_date?: string | null }, today: string): boolean {
  return item.overdue_milestones > 0 || (!!item.next_due_date && item.next_due_date < today);
}
