// The access token lives in memory only: never localStorage, sessionStorage,
// IndexedDB or a readable cookie.
//
// Cookie mode (the default): the refresh token is the server's HttpOnly
// cookie (`Set-Cookie: medborger_refresh=…; HttpOnly; Secure; SameSite=Strict;
// Path=/api/v1/auth`) and is never seen by this code. Login and refresh send
// `X-Medborger-Refresh: cookie` (which is also the CSRF guard, a header a
// cross-site form cannot send), refresh sends `{}`, and a reload restores the
// session with one POST /api/v1/auth/refresh. Build with
// `VITE_REFRESH_MODE=json` for the old mode (refresh token in memory, a reload
// signs the user out).
export type RefreshMode = "json" | "cookie";
export const REFRESH_MODE: RefreshMode =
  (import.meta.env.VITE_REFRESH_MODE as RefreshMode | undefined) === "json" ? "json" : "cookie";

export const REFRESH_HEADER = "X-Medborger-Refresh";

interface Tokens {
  access: string;
  /** JSON mode only; null in cookie mode. */
  refresh: string | null;
  /** Epoch milliseconds when the access token expires. */
  expiresAt: number;
}

let tokens: Tokens | null = null;
const listeners = new Set<(reason: SignOutReason) => void>();

export type SignOutReason = "signed-out" | "expired";

export function setTokens(t: { access_token: string; refresh_token?: string | null; expires_in: number }): void {
  tokens = {
    access: t.access_token,
    refresh: REFRESH_MODE === "json" ? (t.refresh_token ?? null) : null,
    expiresAt: Date.now() + t.expires_in * 1000,
  };
}

export function accessToken(): string | null {
  return tokens?.access ?? null;
}

export function refreshToken(): string | null {
  return tokens?.refresh ?? null;
}

export function hasSession(): boolean {
  return tokens !== null;
}

/** Forgets the tokens and tells the app (which clears its state and shows the login). */
export function clearSession(reason: SignOutReason): void {
  const had = tokens !== null;
  tokens = null;
  if (had || reason === "expired") for (const l of listeners) l(reason);
}

export function onSignOut(l: (reason: SignOutReason) => void): () => void {
  listeners.add(l);
  return () => listeners.delete(l);
}
