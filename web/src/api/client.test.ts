import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { api, signIn, signOut } from "./client";
import { accessToken, clearSession, onSignOut, refreshToken, setTokens } from "./session";

type Handler = (req: Request) => Response | Promise<Response>;

function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "Content-Type": status >= 400 ? "application/problem+json" : "application/json" },
  });
}

const ME = { id: "u1", username: "cw.bif", full_name: "Demo", department: "bif", roles: ["caseworker"], teams: [] };
let calls: { method: string; path: string; auth: string | null; body: string }[] = [];

function serve(handler: Handler) {
  calls = [];
  vi.stubGlobal("fetch", async (input: Request | string | URL, init?: RequestInit) => {
    const req = input instanceof Request ? input : new Request(input, init);
    calls.push({
      method: req.method,
      path: new URL(req.url).pathname,
      auth: req.headers.get("Authorization"),
      body: req.method === "GET" ? "" : await req.clone().text(),
    });
    return handler(req);
  });
}

beforeEach(() => clearSession("signed-out"));
afterEach(() => {
  vi.unstubAllGlobals();
  localStorage.clear();
  sessionStorage.clear();
});

describe("the API client's session", () => {
  it("keeps the tokens in memory only, never in web storage", async () => {
    serve(() => json(200, { access_token: "a1", refresh_token: "r1", token_type: "Bearer", expires_in: 600 }));
    const res = await signIn("cw.bif", "medborger-demo-2026");
    expect(res.data?.access_token).toBe("a1");
    expect(accessToken()).toBe("a1");
    expect(localStorage.length).toBe(0);
    expect(sessionStorage.length).toBe(0);
    expect(document.cookie).toBe("");
  });

  it("sends the access token as a bearer token", async () => {
    setTokens({ access_token: "a1", refresh_token: "r1", expires_in: 600 });
    serve(() => json(200, ME));
    const res = await api.GET("/api/v1/me");
    expect(res.data?.username).toBe("cw.bif");
    expect(calls[0].auth).toBe("Bearer a1");
  });

  it("refreshes once on a 401 and repeats the request with the new token", async () => {
    setTokens({ access_token: "old", refresh_token: "r1", expires_in: 600 });
    serve((req) => {
      const path = new URL(req.url).pathname;
      if (path === "/api/v1/auth/refresh") return json(200, { access_token: "new", refresh_token: "r2", token_type: "Bearer", expires_in: 600 });
      return req.headers.get("Authorization") === "Bearer new" ? json(200, ME) : json(401, { type: "urn:medborger:problem:unauthenticated", status: 401, title: "x" });
    });
    const res = await api.GET("/api/v1/me");
    expect(res.data?.id).toBe("u1");
    expect(calls.map((c) => `${c.method} ${c.path}`)).toEqual(["GET /api/v1/me", "POST /api/v1/auth/refresh", "GET /api/v1/me"]);
    expect(JSON.parse(calls[1].body)).toEqual({ refresh_token: "r1" });
    expect(accessToken()).toBe("new");
    expect(refreshToken()).toBe("r2");
  });

  it("repeats a POST with its body after a refresh", async () => {
    setTokens({ access_token: "old", refresh_token: "r1", expires_in: 600 });
    serve((req) => {
      const path = new URL(req.url).pathname;
      if (path === "/api/v1/auth/refresh") return json(200, { access_token: "new", refresh_token: "r2", token_type: "Bearer", expires_in: 600 });
      return req.headers.get("Authorization") === "Bearer new" ? json(200, { items: [] }) : json(401, {});
    });
    await api.POST("/api/v1/citizens/search", { body: { name: "Ali" } });
    expect(calls[2].body).toBe(JSON.stringify({ name: "Ali" }));
  });

  it("asks for one refresh when several requests meet a 401 at once", async () => {
    setTokens({ access_token: "old", refresh_token: "r1", expires_in: 600 });
    serve(async (req) => {
      const path = new URL(req.url).pathname;
      if (path === "/api/v1/auth/refresh") {
        await new Promise((r) => setTimeout(r, 5));
        return json(200, { access_token: "new", refresh_token: "r2", token_type: "Bearer", expires_in: 600 });
      }
      return req.headers.get("Authorization") === "Bearer new" ? json(200, ME) : json(401, {});
    });
    await Promise.all([api.GET("/api/v1/me"), api.GET("/api/v1/me"), api.GET("/api/v1/me")]);
    expect(calls.filter((c) => c.path === "/api/v1/auth/refresh")).toHaveLength(1);
  });

  it("signs out, clearing everything, when the refresh fails", async () => {
    setTokens({ access_token: "old", refresh_token: "used", expires_in: 600 });
    const reasons: string[] = [];
    const off = onSignOut((r) => reasons.push(r));
    serve(() => json(401, { type: "urn:medborger:problem:unauthenticated", status: 401, title: "x" }));
    const res = await api.GET("/api/v1/me");
    off();
    expect(res.response.status).toBe(401);
    expect(accessToken()).toBeNull();
    expect(refreshToken()).toBeNull();
    expect(reasons).toEqual(["expired"]);
  });

  it("does not refresh for a failed sign-in", async () => {
    serve(() => json(401, { type: "urn:medborger:problem:invalid-credentials", status: 401, title: "x" }));
    const res = await signIn("cw.bif", "wrong");
    expect(res.error).toBeTruthy();
    expect(calls).toHaveLength(1);
    expect(accessToken()).toBeNull();
  });

  it("signs out on the server and forgets the tokens", async () => {
    setTokens({ access_token: "a1", refresh_token: "r1", expires_in: 600 });
    serve(() => new Response(null, { status: 204 }));
    await signOut();
    expect(calls.map((c) => `${c.method} ${c.path} ${c.auth}`)).toEqual(["POST /api/v1/auth/logout Bearer a1"]);
    expect(accessToken()).toBeNull();
  });
});
