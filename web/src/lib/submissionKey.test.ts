import { describe, expect, it } from "vitest";
import { SubmissionKey } from "./submissionKey";

describe("SubmissionKey", () => {
  it("keeps one key for every resubmission until the thing is created", () => {
    let n = 0;
    const key = new SubmissionKey(() => `k${++n}`);
    expect(key.value).toBe("k1");
    expect(key.value).toBe("k1");
    key.created();
    expect(key.value).toBe("k2");
  });
});
