import { IDBFactory } from "fake-indexeddb";
import { describe, expect, it } from "vitest";
import type { CreateNoteRequest } from "../api/types";
import { NoteQueue, classify, type QueuedNote, type SendResult } from "./queue";

const body = (text: string): CreateNoteRequest => ({
  kind: "mentor_session",
  occurred_at: "2026-03-01T10:00:00.000Z",
  text,
});

function queue() {
  let n = 0;
  return new NoteQueue("test", new IDBFactory(), () => `key-${++n}`);
}

/** A fake server that stores by Idempotency-Key, like the API. */
function server() {
  const stored = new Map<string, CreateNoteRequest>();
  const calls: string[] = [];
  return {
    stored,
    calls,
    accept(note: QueuedNote): SendResult {
      calls.push(note.key);
      if (!stored.has(note.key)) stored.set(note.key, note.body);
      return { kind: "sent" };
    },
  };
}

describe("offline note queue", () => {
  it("keeps a note with its Idempotency-Key until it is sent", async () => {
    const q = queue();
    const note = await q.enqueue("enr-1", "user-1", body("Samtale om praktik"));
    expect(note.key).toBe("key-1");
    expect(note.state).toBe("pending");
    const listed = await q.list("user-1");
    expect(listed).toHaveLength(1);
    expect(listed[0].body.text).toBe("Samtale om praktik");
  });

  it("uses a key given by a first attempt", async () => {
    const q = queue();
    const note = await q.enqueue("enr-1", "user-1", body("x"), "first-attempt-key");
    expect(note.key).toBe("first-attempt-key");
  });

  it("sends a note once when the first answer was lost, with the same key", async () => {
    const q = queue();
    const s = server();
    await q.enqueue("enr-1", "user-1", body("Mødt på jobcentret"));
    // First attempt: the server stores it, but the answer never arrives.
    const lost = await q.flush("user-1", async (n) => {
      s.accept(n);
      throw new TypeError("Failed to fetch");
    });
    expect(lost).toEqual({ sent: 0, rejected: 0, remaining: 1 });
    expect(await q.list("user-1")).toHaveLength(1);
    // Back online: the retry carries the same key and body; the server answers the stored note.
    const ok = await q.flush("user-1", async (n) => s.accept(n));
    expect(ok).toEqual({ sent: 1, rejected: 0, remaining: 0 });
    expect(s.calls).toEqual(["key-1", "key-1"]);
    expect(s.stored.size).toBe(1);
    expect(await q.list("user-1")).toEqual([]);
  });

  it("sends oldest first and stops at the first note that must wait, to keep order", async () => {
    const q = queue();
    await q.enqueue("enr-1", "user-1", body("første"));
    await q.enqueue("enr-1", "user-1", body("anden"));
    await q.enqueue("enr-2", "user-1", body("tredje"));
    const seen: string[] = [];
    const report = await q.flush("user-1", async (n) => {
      seen.push(n.body.text);
      return n.body.text === "anden" ? { kind: "retry" } : { kind: "sent" };
    });
    expect(seen).toEqual(["første", "anden"]);
    expect(report).toEqual({ sent: 1, rejected: 0, remaining: 2 });
    const left = await q.list("user-1");
    expect(left.map((n) => n.body.text)).toEqual(["anden", "tredje"]);
    expect(left[0].attempts).toBe(1);
  });

  it("keeps a refused note, marked with the reason, and does not send it again", async () => {
    const q = queue();
    await q.enqueue("enr-1", "user-1", body("x"));
    await q.flush("user-1", async () => ({ kind: "rejected", code: "not-found", status: 404 }));
    const [n] = await q.list("user-1");
    expect(n.state).toBe("rejected");
    expect(n.error).toEqual({ code: "not-found", status: 404 });
    let calls = 0;
    await q.flush("user-1", async () => {
      calls++;
      return { kind: "sent" };
    });
    expect(calls).toBe(0);
    await q.remove(n.key);
    expect(await q.list("user-1")).toEqual([]);
  });

  it("runs one flush at a time, so a note is not sent twice concurrently", async () => {
    const q = queue();
    await q.enqueue("enr-1", "user-1", body("x"));
    let calls = 0;
    const send = async () => {
      calls++;
      await new Promise((r) => setTimeout(r, 10));
      return { kind: "sent" } as const;
    };
    await Promise.all([q.flush("user-1", send), q.flush("user-1", send), q.flush("user-1", send)]);
    expect(calls).toBe(1);
  });

  it("sends only the signed-in user's notes", async () => {
    const q = queue();
    await q.enqueue("enr-1", "mentor-a", body("a"));
    await q.enqueue("enr-1", "mentor-b", body("b"));
    const sent: string[] = [];
    await q.flush("mentor-b", async (n) => {
      sent.push(n.body.text);
      return { kind: "sent" };
    });
    expect(sent).toEqual(["b"]);
    expect(await q.list("mentor-a")).toHaveLength(1);
  });

  it("lists one enrolment's notes", async () => {
    const q = queue();
    await q.enqueue("enr-1", "u", body("a"));
    await q.enqueue("enr-2", "u", body("b"));
    expect((await q.list("u", "enr-2")).map((n) => n.body.text)).toEqual(["b"]);
  });

  it("tells subscribers when the queue changes", async () => {
    const q = queue();
    let changes = 0;
    const off = q.subscribe(() => changes++);
    await q.enqueue("enr-1", "u", body("a"));
    await q.flush("u", async () => ({ kind: "sent" }));
    off();
    await q.enqueue("enr-1", "u", body("b"));
    expect(changes).toBeGreaterThanOrEqual(2);
    const before = changes;
    await q.enqueue("enr-1", "u", body("c"));
    expect(changes).toBe(before);
  });
});

describe("classify", () => {
  it("retries what may succeed later and keeps what the API refused", () => {
    expect(classify(201, "")).toEqual({ kind: "sent" });
    expect(classify(200, "")).toEqual({ kind: "sent" });
    for (const s of [0, 401, 408, 429, 500, 502, 503]) expect(classify(s, "x").kind).toBe("retry");
    expect(classify(404, "not-found")).toEqual({ kind: "rejected", code: "not-found", status: 404 });
    expect(classify(409, "conflict").kind).toBe("rejected");
    expect(classify(422, "validation-failed").kind).toBe("rejected");
  });
});
