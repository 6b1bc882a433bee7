// Compiled (never run) by `scripts/contract-test client` under tsc --strict
// with tsconfig.api.json: the client generated from the committed document,
// used as a client outside this web app would use it.
import createClient from "openapi-fetch";
import type { components, paths } from "../src/api/schema";

type Schemas = components["schemas"];

export async function example(token: string): Promise<string[]> {
  const api = createClient<paths>({
    baseUrl: "http://127.0.0.1:8080",
    headers: { Authorization: `Bearer ${token}` },
  });
  const found = await api.POST("/api/v1/citizens/search", { body: { name: "And", limit: 10 } });
  const names = (found.data?.items ?? []).map((c: Schemas["CitizenSummary"]) => c.family_name);
  const citizen = await api.GET("/api/v1/citizens/{id}", {
    params: { path: { id: "00000000-0000-0000-0000-000000000000" } },
  });
  if (citizen.error) {
    const problem: Schemas["Problem"] = citizen.error;
    return [problem.title, ...(problem.errors ?? []).map((e) => e.field)];
  }
  return names;
}
