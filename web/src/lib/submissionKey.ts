import { useRef } from "react";

/**
 * The Idempotency-Key of one thing the user means to create: the same key
 * for every resubmission of the form (a double click, a retry after a lost
 * answer), so the server writes it once; a new key once it is created. A
 * refused submission keeps nothing on the server, so the corrected form
 * may be sent with the same key.
 */
export class SubmissionKey {
  private current: string;

  constructor(private readonly newKey: () => string = () => crypto.randomUUID()) {
    this.current = newKey();
  }

  /** The key to send now. */
  get value(): string {
    return this.current;
  }

  /** The thing was created: the next submission is another one. */
  created(): void {
    this.current = this.newKey();
  }
}

/** A form's SubmissionKey, kept across renders. */
export function useSubmissionKey(): SubmissionKey {
  const key = useRef<SubmissionKey | null>(null);
  key.current ??= new SubmissionKey();
  return key.current;
}
