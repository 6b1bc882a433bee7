import { describe, expect, it } from "vitest";
import type { NoteView } from "../api/types";
import { groupNotes } from "./Journal";

const note = (id: string, extra: Partial<NoteView> = {}): NoteView => ({
  id,
  enrolment_id: "e",
  author_id: "a",
  kind: "meeting",
  occurred_at: "2026-01-01T10:00:00Z",
  text: id,
  measures: {},
  shared_with_mentor: false,
  current: true,
  created_at: "2026-01-01T10:00:00Z",
  ...extra,
});

describe("journal grouping", () => {
  it("shows a correction with the note it supersedes beside it, newest first", () => {
    // The API answers newest first: c corrects b, which corrected a; d stands alone.
    const notes = [
      note("d"),
      note("c", { supersedes: "b", correction_reason: "dato" }),
      note("b", { current: false, superseded_by: "c", supersedes: "a", correction_reason: "navn" }),
      note("a", { current: false, superseded_by: "b" }),
      note("z"),
    ];
    const groups = groupNotes(notes);
    expect(groups.map((g) => [g.note.id, g.replaced.map((r) => r.id)])).toEqual([
      ["d", []],
      ["c", ["b", "a"]],
      ["z", []],
    ]);
  });

  it("shows a superseded note on its own when its correction is on a page not loaded", () => {
    const groups = groupNotes([note("b", { current: false, superseded_by: "c" })]);
    expect(groups.map((g) => g.note.id)).toEqual(["b"]);
  });
});
