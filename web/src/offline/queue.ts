// The offline note queue. A note is written to IndexedDB first, with the
// Idempotency-Key it will be sent with, and leaves the queue only when the
// API has answered 2xx. A retry sends the very same body with the very same
// key, so a note whose first attempt reached the server but whose answer was
// lost is stored once: the server answers the earlier note for a repeated key.
//
// Nothing else is kept on the device: no token, no citizen record. A queued
// note belongs to the user who wrote it and is sent only in their session.
import type { CreateNoteRequest } from "../api/types";

export interface QueuedNote {
  /** The Idempotency-Key, also the record's key. */
  key: string;
  enrolmentId: string;
  userId: string;
  body: CreateNoteRequest;
  createdAt: number;
  attempts: number;
  state: "pending" | "rejected";
  /** For a rejected note: the problem code and HTTP status. */
  error?: { code: string; status: number };
}

export type SendResult =
  | { kind: "sent" }
  /** No answer, 5xx, 401 or 429: try again later with the same key. */
  | { kind: "retry" }
  /** The API refused it for good (e.g. 404, 409, 422): keep it for the user to see. */
  | { kind: "rejected"; code: string; status: number };

export type Sender = (note: QueuedNote) => Promise<SendResult>;

export interface FlushReport {
  sent: number;
  rejected: number;
  remaining: number;
}

const STORE = "notes";

export class NoteQueue {
  private db: Promise<IDBDatabase> | null = null;
  private flushing: Promise<FlushReport> | null = null;
  private listeners = new Set<() => void>();

  constructor(
    private readonly name = "medborger-offline",
    private readonly factory: IDBFactory = globalThis.indexedDB,
    private readonly newKey: () => string = () => crypto.randomUUID(),
  ) {}

  private open(): Promise<IDBDatabase> {
    this.db ??= new Promise((resolve, reject) => {
      const req = this.factory.open(this.name, 1);
      req.onupgradeneeded = () => {
        const store = req.result.createObjectStore(STORE, { keyPath: "key" });
        store.createIndex("byUser", "userId");
      };
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => reject(req.error);
    });
    return this.db;
  }

  private async tx<T>(mode: IDBTransactionMode, run: (s: IDBObjectStore) => IDBRequest<T>): Promise<T> {
    const db = await this.open();
    return new Promise<T>((resolve, reject) => {
      const tx = db.transaction(STORE, mode);
      const req = run(tx.objectStore(STORE));
      tx.oncomplete = () => resolve(req.result);
      tx.onerror = () => reject(tx.error);
      tx.onabort = () => reject(tx.error);
    });
  }

  subscribe(l: () => void): () => void {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  }

  private changed(): void {
    for (const l of this.listeners) l();
  }

  /** A fresh Idempotency-Key. */
  key(): string {
    return this.newKey();
  }

  /**
   * Keeps a note on the device; the body is frozen as it will be sent. Give
   * `key` when a first attempt was already made with it.
   */
  async enqueue(enrolmentId: string, userId: string, body: CreateNoteRequest, key?: string): Promise<QueuedNote> {
    const note: QueuedNote = {
      key: key ?? this.newKey(),
      enrolmentId,
      userId,
      body: JSON.parse(JSON.stringify(body)),
      createdAt: Date.now(),
      attempts: 0,
      state: "pending",
    };
    await this.tx("readwrite", (s) => s.add(note));
    this.changed();
    return note;
  }

  /** The user's queued notes, oldest first (optionally of one enrolment). */
  async list(userId: string, enrolmentId?: string): Promise<QueuedNote[]> {
    const all = await this.tx<QueuedNote[]>("readonly", (s) => s.index("byUser").getAll(userId));
    return all
      .filter((n) => !enrolmentId || n.enrolmentId === enrolmentId)
      .sort((a, b) => a.createdAt - b.createdAt || a.key.localeCompare(b.key));
  }

  async remove(key: string): Promise<void> {
    await this.tx("readwrite", (s) => s.delete(key));
    this.changed();
  }

  private async put(note: QueuedNote): Promise<void> {
    await this.tx("readwrite", (s) => s.put(note));
  }

  /**
   * Sends the user's pending notes, oldest first, one at a time. Only one
   * flush runs at once (in this tab); a second call waits for the first.
   * Stops at the first note that must be retried, so order is kept.
   */
  flush(userId: string, send: Sender): Promise<FlushReport> {
    this.flushing ??= this.doFlush(userId, send).finally(() => {
      this.flushing = null;
    });
    return this.flushing;
  }

  private async doFlush(userId: string, send: Sender): Promise<FlushReport> {
    const report: FlushReport = { sent: 0, rejected: 0, remaining: 0 };
    const pending = (await this.list(userId)).filter((n) => n.state === "pending");
    for (let i = 0; i < pending.length; i++) {
      const note = pending[i];
      note.attempts += 1;
      let result: SendResult;
      try {
        result = await send(note);
      } catch {
        result = { kind: "retry" };
      }
      if (result.kind === "sent") {
        await this.remove(note.key);
        report.sent += 1;
      } else if (result.kind === "rejected") {
        note.state = "rejected";
        note.error = { code: result.code, status: result.status };
        await this.put(note);
        report.rejected += 1;
      } else {
        await this.put(note);
        report.remaining = pending.length - i;
        break;
      }
    }
    this.changed();
    return report;
  }
}

/** What an HTTP status means for a queued note. */
export function classify(status: number, code: string): SendResult {
  if (status >= 200 && status < 300) return { kind: "sent" };
  if (status === 0 || status === 401 || status === 408 || status === 429 || status >= 500) return { kind: "retry" };
  return { kind: "rejected", code, status };
}

export const noteQueue = new NoteQueue();
