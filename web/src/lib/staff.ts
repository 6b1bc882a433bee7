import { useEffect, useState } from "react";
import { api } from "../api/client";
import { onSignOut } from "../api/session";
import type { StaffMember } from "../api/types";
import { useAuth } from "./auth";

/** The API answers names for at most this many ids per request. */
export const IDS_PER_REQUEST = 100;

/**
 * The ids still to ask for: distinct, present, not known yet, in requests of
 * at most `IDS_PER_REQUEST`.
 */
export function idsToAsk(ids: readonly (string | null | undefined)[], known: ReadonlyMap<string, unknown>): string[][] {
  const wanted = [...new Set(ids.filter((id): id is string => !!id && !known.has(id)))];
  const batches: string[][] = [];
  for (let i = 0; i < wanted.length; i += IDS_PER_REQUEST) batches.push(wanted.slice(i, i + IDS_PER_REQUEST));
  return batches;
}

// Names of the signed-in user's colleagues, forgotten when another user signs
// in. `null`: asked for, and not a colleague the API names.
let owner: string | null = null;
const names = new Map<string, string | null>();

function forUser(userId: string | null): Map<string, string | null> {
  if (owner !== userId) {
    names.clear();
    owner = userId;
  }
  return names;
}

/** Forgets every name (on sign-out). */
export function forgetStaffNames(): void {
  names.clear();
  owner = null;
}
onSignOut(forgetStaffNames);

/**
 * Names for the staff ids shown on a screen: one request per 100 unknown
 * ids. Returns a lookup giving the full name, or null while unknown or when
 * the person is not of the caller's department.
 */
export function useStaffNames(ids: readonly (string | null | undefined)[]): (id: string | null | undefined) => string | null {
  const { me } = useAuth();
  const userId = me?.id ?? null;
  const [, setVersion] = useState(0);
  const key = ids.join(",");
  useEffect(() => {
    if (!userId) return;
    const known = forUser(userId);
    let live = true;
    for (const batch of idsToAsk(ids, known)) {
      for (const id of batch) known.set(id, null);
      void api
        .GET("/api/v1/staff", { params: { query: { ids: batch.join(","), limit: IDS_PER_REQUEST } } })
        .then((r) => {
          for (const s of r.data?.items ?? []) known.set(s.id, s.full_name);
          if (live) setVersion((v) => v + 1);
        })
        .catch(() => {
          for (const id of batch) known.delete(id);
        });
    }
    return () => {
      live = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key, userId]);
  return (id) => (id && owner === userId ? (names.get(id) ?? null) : null);
}

/** The active holders of `role` in the caller's department (the first 200). */
export function useStaffWithRole(role: "mentor" | "caseworker"): StaffMember[] | null {
  const [list, setList] = useState<StaffMember[] | null>(null);
  useEffect(() => {
    let live = true;
    api
      .GET("/api/v1/staff", { params: { query: { role, limit: 200 } } })
      .then((r) => live && setList(r.data?.items ?? []))
      .catch(() => live && setList([]));
    return () => {
      live = false;
    };
  }, [role]);
  return list;
}
