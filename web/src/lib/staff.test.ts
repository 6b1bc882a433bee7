import { describe, expect, it } from "vitest";
import { IDS_PER_REQUEST, idsToAsk } from "./staff";

describe("idsToAsk", () => {
  it("asks once for each unknown id, never for an empty one", () => {
    const known = new Map([["a", "Anna"]]);
    expect(idsToAsk(["a", "b", null, "b", undefined, "", "c"], known)).toEqual([["b", "c"]]);
  });

  it("asks nothing when every name is known or asked for already", () => {
    expect(idsToAsk(["a", "b"], new Map([["a", "Anna"], ["b", null]]))).toEqual([]);
  });

  it("splits a long list into requests the API accepts", () => {
    const ids = Array.from({ length: 250 }, (_, i) => `id-${i}`);
    const batches = idsToAsk(ids, new Map());
    expect(batches.map((b) => b.length)).toEqual([IDS_PER_REQUEST, IDS_PER_REQUEST, 50]);
    expect(batches.flat()).toEqual(ids);
  });
});
