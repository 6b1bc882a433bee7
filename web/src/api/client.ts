// The one API client: generated types (schema.d.ts) and openapi-fetch.
// Adds the access token, refreshes it once on a 401 and retries, and signs
// out when the refresh fails.
import createClient from "openapi-fetch";
import type { paths } from "./schema";
import {
  REFRESH_HEADER,
  REFRESH_MODE,
  accessToken,
  clearSession,
  hasSession,
  refreshToken,
  setTokens,
} from "./session";

const AUTH_PATHS = ["/api/v1/auth/login", "/api/v1/auth/refresh"];

let refreshing: Promise<boolean> | null = null;

/** One refresh at a time: concurrent 401s wait for the same attempt. */
export function refreshSession(): Promise<boolean> {
  refreshing ??= doRefresh().finally(() => {
    refreshing = null;
  });
  return refreshing;
}

async function doRefresh(): Promise<boolean> {
  const headers: Record<string, string> = { "Content-Type": "application/json" };
  let body: string;
  if (REFRESH_MODE === "cookie") {
    headers[REFRESH_HEADER] = "cookie";
    body = "{}";
  } else {
    const rt = refreshToken();
    if (!rt) return false;
    body = JSON.stringify({ refresh_token: rt });
  }
  try {
    const res = await globalThis.fetch(new URL("/api/v1/auth/refresh", origin()), {
      method: "POST",
      headers,
      body,
      credentials: "same-origin",
      cache: "no-store",
    });
    if (!res.ok) return false;
    setTokens(await res.json());
    return true;
  } catch {
    return false;
  }
}

function origin(): string {
  return globalThis.location?.origin ?? "http://localhost";
}

async function authFetch(input: Request): Promise<Response> {
  const path = new URL(input.url).pathname;
  const isAuth = AUTH_PATHS.includes(path);
  const retry = isAuth ? null : input.clone();
  const res = await globalThis.fetch(withToken(input));
  if (res.status !== 401 || isAuth || !hasSession()) return res;
  if (await refreshSession()) {
    return globalThis.fetch(withToken(retry!));
  }
  clearSession("expired");
  return res;
}

function withToken(req: Request): Request {
  const token = accessToken();
  if (!token) return req;
  const headers = new Headers(req.headers);
  headers.set("Authorization", `Bearer ${token}`);
  return new Request(req, { headers });
}

export const api = createClient<paths>({
  baseUrl: origin(),
  fetch: authFetch,
  credentials: "same-origin",
  cache: "no-store",
});

/** Signs in; in cookie mode the server also sets the HttpOnly refresh cookie. */
export async function signIn(username: string, password: string) {
  const res = await api.POST("/api/v1/auth/login", {
    body: { username, password },
    headers: REFRESH_MODE === "cookie" ? { [REFRESH_HEADER]: "cookie" } : undefined,
  });
  if (res.data) setTokens(res.data);
  return res;
}

export async function signOut(): Promise<void> {
  if (hasSession()) {
    try {
      await api.POST("/api/v1/auth/logout");
    } catch {
      /* signing out locally anyway */
    }
  }
  clearSession("signed-out");
}

/** Downloads a report as CSV (Accept: text/csv) and hands it to the browser. */
export async function downloadCsv(
  path: "/api/v1/reports/caseload" | "/api/v1/reports/deadlines" | "/api/v1/reports/outcomes",
  filename: string,
  query: Record<string, string | undefined> = {},
): Promise<{ ok: true } | { ok: false; status: number; problem?: unknown }> {
  const res = await api.GET(path, {
    params: { query },
    headers: { Accept: "text/csv" },
    parseAs: "blob",
  } as never);
  const response = res.response as Response;
  if (!response.ok) return { ok: false, status: response.status, problem: res.error };
  const blob = res.data as unknown as Blob;
  const url = URL.createObjectURL(blob);
  const a = document.createElement("a");
  a.href = url;
  a.download = filename;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
  return { ok: true };
}
