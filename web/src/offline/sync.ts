import { useEffect, useState, useSyncExternalStore } from "react";
import { api } from "../api/client";
import { problemCode, type ProblemLike } from "../api/errors";
import { classify, noteQueue, type QueuedNote, type Sender } from "./queue";

/** Sends one queued note with its own Idempotency-Key. */
export const sendQueuedNote: Sender = async (n) => {
  try {
    const res = await api.POST("/api/v1/enrolments/{id}/notes", {
      params: { path: { id: n.enrolmentId }, header: { "Idempotency-Key": n.key } },
      body: n.body,
    });
    const status = res.response.status;
    return classify(status, problemCode(res.error as ProblemLike | undefined, status));
  } catch {
    return { kind: "retry" };
  }
};

function subscribeOnline(cb: () => void) {
  window.addEventListener("online", cb);
  window.addEventListener("offline", cb);
  return () => {
    window.removeEventListener("online", cb);
    window.removeEventListener("offline", cb);
  };
}

export function useOnline(): boolean {
  return useSyncExternalStore(subscribeOnline, () => navigator.onLine, () => true);
}

/** Flushes the user's queue now, when the browser comes online, and every 20 s. */
export function useOfflineSync(userId: string | null): void {
  useEffect(() => {
    if (!userId) return;
    const flush = () => {
      if (navigator.onLine) void noteQueue.flush(userId, sendQueuedNote).catch(() => {});
    };
    flush();
    window.addEventListener("online", flush);
    const timer = window.setInterval(flush, 20_000);
    return () => {
      window.removeEventListener("online", flush);
      window.clearInterval(timer);
    };
  }, [userId]);
}

/** The user's queued notes (optionally one enrolment's), kept current. */
export function useQueued(userId: string | null, enrolmentId?: string): QueuedNote[] {
  const [items, setItems] = useState<QueuedNote[]>([]);
  useEffect(() => {
    if (!userId) return;
    let live = true;
    const load = () =>
      noteQueue
        .list(userId, enrolmentId)
        .then((l) => live && setItems(l))
        .catch(() => {});
    void load();
    const off = noteQueue.subscribe(load);
    return () => {
      live = false;
      off();
    };
  }, [userId, enrolmentId]);
  return items;
}
