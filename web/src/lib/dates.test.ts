import { describe, expect, it } from "vitest";
import { isoDate } from "./dates";

describe("isoDate", () => {
  it("runs in Copenhagen's time zone, as the users do", () => {
    expect(new Date("2026-12-03T12:00:00Z").getTimezoneOffset()).toBe(-60);
  });

  it("is the date in Copenhagen, which is ahead of UTC's around midnight", () => {
    expect(isoDate(new Date("2026-12-03T22:59:00Z"))).toBe("2026-12-03");
    expect(isoDate(new Date("2026-12-03T23:30:00Z"))).toBe("2026-12-04");
    expect(isoDate(new Date("2026-06-30T22:30:00Z"))).toBe("2026-07-01");
  });

  it("keeps a local 1 January in January", () => {
    expect(isoDate(new Date(2027, 0, 1))).toBe("2027-01-01");
  });
});
