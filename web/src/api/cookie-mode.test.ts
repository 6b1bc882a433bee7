import { afterEach, describe, expect, it, vi } from "vitest";

// REFRESH_MODE is read once when the module loads: each test loads the
// modules afresh under the environment it sets.
async function load(mode: string) {
  vi.stubEnv("VITE_REFRESH_MODE", mode);
  vi.resetModules();
  const session = await import("./session");
  const client = await import("./client");
  return { session, client };
}

function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "Content-Type": status >= 400 ? "application/problem+json" : "application/json" },
  });
}

interface Call {
  path: string;
  mode: string | null;
  auth: string | null;
  body: string;
}

function serve(calls: Call[], handler: (path: string, auth: string | null) => Response) {
  vi.stubGlobal("fetch", async (input: Request | string | URL, init?: RequestInit) => {
    const req = input instanceof Request ? input : new Request(input, init);
    const path = new URL(req.url).pathname;
    const auth = req.headers.get("Authorization");
    calls.push({
      path,
      mode: req.headers.get("X-Medborger-Refresh"),
      auth,
      body: req.method === "GET" ? "" : await req.clone().text(),
    });
    return handler(path, auth);
  });
}

afterEach(() => {
  vi.unstubAllEnvs();
  vi.unstubAllGlobals();
  vi.resetModules();
});

describe("cookie mode, the default", () => {
  it("asks for the cookie on sign-in, keeps no refresh token and refreshes with {}", async () => {
    const { session, client } = await load("");
    expect(session.REFRESH_MODE).toBe("cookie");
    const calls: Call[] = [];
    serve(calls, (path, auth) => {
      if (path === "/api/v1/auth/login") return json(200, { access_token: "a1", token_type: "Bearer", expires_in: 600 });
      if (path === "/api/v1/auth/refresh") return json(200, { access_token: "a2", token_type: "Bearer", expires_in: 600 });
      return auth === "Bearer a2" ? json(200, { id: "u1" }) : json(401, { status: 401, title: "x" });
    });
    await client.signIn("cw.bif", "medborger-demo-2026");
    expect(calls[0].mode).toBe("cookie");
    expect(session.accessToken()).toBe("a1");
    expect(session.refreshToken()).toBeNull();

    await client.api.GET("/api/v1/me");
    const refresh = calls.find((c) => c.path === "/api/v1/auth/refresh");
    expect(refresh?.mode).toBe("cookie");
    expect(refresh?.body).toBe("{}");
    expect(session.accessToken()).toBe("a2");
    expect(document.cookie).toBe("");
  });

  it("VITE_REFRESH_MODE=json keeps the refresh token in memory instead", async () => {
    const { session, client } = await load("json");
    expect(session.REFRESH_MODE).toBe("json");
    const calls: Call[] = [];
    serve(calls, () => json(200, { access_token: "a1", refresh_token: "r1", token_type: "Bearer", expires_in: 600 }));
    await client.signIn("cw.bif", "medborger-demo-2026");
    expect(calls[0].mode).toBeNull();
    expect(session.refreshToken()).toBe("r1");
  });
});
