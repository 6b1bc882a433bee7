// The session lives in memory only: never localStorage, sessionStorage,
// IndexedDB or a readable cookie. A page reload therefore signs the user out
// until the server's HttpOnly refresh cookie mode is in place.
//
// TODO(cookie-mode): when the API supports the HttpOnly refresh cookie
// (`Set-Cookie: medborger_refresh=…; HttpOnly; Secure; SameSite=Strict;
// Path=/api/v1/auth`), set REFRESH_MODE to "cookie": login and refresh then
// send `X-Medborger-Refresh: cookie` (which is also the CSRF guard, a header a
// cross-site form cannot send), the refresh token is no longer in the body and
// is never seen by this code, and a reload restores the session with one
// POST /api/v1/auth/refresh.
export type RefreshMode = "json" | "cookie";
export const REFRESH_MODE: RefreshMode =
  (import.meta.env.VITE_REFRESH_MODE as RefreshMode | undefined) === "cookie" ? "cookie" : "json";

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
