// Writing a note: tried at once when the browser is online (so the API's
// field errors can be shown in the form), and otherwise — or when no answer
// comes back — kept in the queue with the same Idempotency-Key, to be sent by
// the queue. The same key on every attempt makes the server store it once.
import { api } from "../api/client";
import type { CreateNoteRequest, NoteView } from "../api/types";
import { classify, noteQueue } from "./queue";
import { problemCode, type ProblemLike } from "../api/errors";

export type SubmitResult =
  | { kind: "sent"; note: NoteView }
  | { kind: "queued"; key: string }
  | { kind: "rejected"; error: unknown; response: Response };

export async function submitNote(enrolmentId: string, userId: string, body: CreateNoteRequest): Promise<SubmitResult> {
  const key = noteQueue.key();
  if (typeof navigator !== "undefined" && navigator.onLine === false) {
    await noteQueue.enqueue(enrolmentId, userId, body, key);
    return { kind: "queued", key };
  }
  try {
    const res = await api.POST("/api/v1/enrolments/{id}/notes", {
      params: { path: { id: enrolmentId }, header: { "Idempotency-Key": key } },
      body,
    });
    const status = res.response.status;
    const verdict = classify(status, problemCode(res.error as ProblemLike | undefined, status));
    if (verdict.kind === "sent" && res.data) return { kind: "sent", note: res.data };
    if (verdict.kind === "rejected") return { kind: "rejected", error: res.error, response: res.response };
  } catch {
    /* no answer: the request may or may not have reached the server */
  }
  await noteQueue.enqueue(enrolmentId, userId, body, key);
  return { kind: "queued", key };
}
