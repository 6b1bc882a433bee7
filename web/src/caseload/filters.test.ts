import { describe, expect, it } from "vitest";
import {
  EMPTY_FILTERS, FIRST_PAGE, PAGE_SIZE, activeFilterCount, currentCursor, isOverdue, nextPage, previousPage,
  toQuery, validateFilters,
} from "./filters";

describe("caseload filters", () => {
  it("sends only the page size when nothing is chosen", () => {
    expect(toQuery(EMPTY_FILTERS)).toEqual({ limit: PAGE_SIZE });
  });

  it("sends every chosen filter with the API's names", () => {
    expect(
      toQuery({ programme: "kobenhavnermodellen", status: "paused", overdueOnly: true, silentDays: " 30 " }, "c1", "cw-9"),
    ).toEqual({
      programme: "kobenhavnermodellen",
      status: "paused",
      overdue_only: true,
      silent_days: 30,
      limit: PAGE_SIZE,
      cursor: "c1",
      caseworker_id: "cw-9",
    });
  });

  it("accepts 1–3650 whole days without a note, and nothing else", () => {
    for (const ok of ["", "1", "30", "3650", " 7 "]) expect(validateFilters({ ...EMPTY_FILTERS, silentDays: ok })).toEqual({});
    for (const bad of ["0", "3651", "-3", "2.5", "abc", "1e3"])
      expect(validateFilters({ ...EMPTY_FILTERS, silentDays: bad }), bad).toEqual({ silentDays: "invalid" });
    expect(toQuery({ ...EMPTY_FILTERS, silentDays: "abc" })).toEqual({ limit: PAGE_SIZE });
  });

  it("counts the active filters", () => {
    expect(activeFilterCount(EMPTY_FILTERS)).toBe(0);
    expect(activeFilterCount({ programme: "x", status: "active", overdueOnly: true, silentDays: "5" })).toBe(4);
  });

  it("pages with the API's cursors, one page at a time, and back", () => {
    let p = FIRST_PAGE;
    expect(currentCursor(p)).toBeNull();
    p = nextPage(p, "c2");
    expect(currentCursor(p)).toBe("c2");
    p = nextPage(p, "c3");
    expect(p.index).toBe(2);
    p = previousPage(p);
    expect(currentCursor(p)).toBe("c2");
    // Going forward from an earlier page drops the pages after it.
    p = nextPage(p, "c3b");
    expect(p.cursors).toEqual([null, "c2", "c3b"]);
    expect(nextPage(p, null)).toBe(p);
    expect(previousPage(FIRST_PAGE)).toBe(FIRST_PAGE);
  });

  it("marks overdue by overdue milestones or a past next deadline", () => {
    expect(isOverdue({ overdue_milestones: 1, next_due_date: "2030-01-01" }, "2026-01-01")).toBe(true);
    expect(isOverdue({ overdue_milestones: 0, next_due_date: "2025-12-31" }, "2026-01-01")).toBe(true);
    expect(isOverdue({ overdue_milestones: 0, next_due_date: "2026-01-01" }, "2026-01-01")).toBe(false);
    expect(isOverdue({ overdue_milestones: 0, next_due_date: null }, "2026-01-01")).toBe(false);
  });
});
