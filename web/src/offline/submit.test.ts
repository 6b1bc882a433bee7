import { afterEach, describe, expect, it, vi } from "vitest";

// A queue of its own (fake-indexeddb) for this test file.
vi.mock("./queue", async (orig) => {
  const real = await orig<typeof import("./queue")>();
  const { IDBFactory } = await import("fake-indexeddb");
  let n = 0;
  return { ...real, noteQueue: new real.NoteQueue("submit-test", new IDBFactory(), () => `k${++n}`) };
});

import { noteQueue } from "./queue";
import { submitNote } from "./submit";

const body = { kind: "mentor_session" as const, occurred_at: "2026-03-01T10:00:00.000Z", text: "Samtale" };

afterEach(() => {
  vi.unstubAllGlobals();
});

describe("submitNote", () => {
  it("sends at once with an Idempotency-Key when online", async () => {
    const keys: (string | null)[] = [];
    vi.stubGlobal("fetch", async (req: Request) => {
      keys.push(req.headers.get("Idempotency-Key"));
      return new Response(JSON.stringify({ id: "n1", ...body }), { status: 201, headers: { "Content-Type": "application/json" } });
    });
    const res = await submitNote("enr-1", "u1", body);
    expect(res.kind).toBe("sent");
    expect(keys).toHaveLength(1);
    expect(keys[0]).toMatch(/^k\d+$/);
    expect(await noteQueue.list("u1")).toEqual([]);
  });

  it("keeps the note with the same key when no answer comes", async () => {
    const keys: (string | null)[] = [];
    vi.stubGlobal("fetch", async (req: Request) => {
      keys.push(req.headers.get("Idempotency-Key"));
      throw new TypeError("Failed to fetch");
    });
    const res = await submitNote("enr-2", "u2", body);
    expect(res.kind).toBe("queued");
    const [queued] = await noteQueue.list("u2");
    expect(queued.key).toBe(keys[0]);
    expect(queued.body).toEqual(body);
  });

  it("keeps the note without trying when the browser is offline", async () => {
    const fetch = vi.fn();
    vi.stubGlobal("fetch", fetch);
    vi.spyOn(navigator, "onLine", "get").mockReturnValue(false);
    const res = await submitNote("enr-3", "u3", body);
    expect(res.kind).toBe("queued");
    expect(fetch).not.toHaveBeenCalled();
    expect(await noteQueue.list("u3")).toHaveLength(1);
    vi.restoreAllMocks();
  });

  it("gives the API's refusal back to the form instead of queueing it", async () => {
    vi.stubGlobal("fetch", async () =>
      new Response(
        JSON.stringify({ type: "urn:medborger:problem:validation-failed", status: 422, title: "x", errors: [{ field: "text", code: "required", message: "" }] }),
        { status: 422, headers: { "Content-Type": "application/problem+json" } },
      ),
    );
    const res = await submitNote("enr-4", "u4", body);
    expect(res.kind).toBe("rejected");
    expect(await noteQueue.list("u4")).toEqual([]);
  });
});
