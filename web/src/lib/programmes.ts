import { useEffect, useState } from "react";
import { api } from "../api/client";
import type { Programme } from "../api/types";
import type { Messages } from "../i18n/da";

// The catalogue changes rarely; one fetch per session (cleared on reload).
let cache: Promise<Programme[]> | null = null;

export function loadProgrammes(): Promise<Programme[]> {
  cache ??= api.GET("/api/v1/programmes").then((r) => {
    if (!r.data) {
      cache = null;
      return [];
    }
    return r.data;
  });
  return cache;
}

/** After the administrator changes the catalogue: the next read fetches it anew. */
export function forgetProgrammes(): void {
  cache = null;
}

export function useProgrammes(): Programme[] {
  const [list, setList] = useState<Programme[]>([]);
  useEffect(() => {
    let live = true;
    loadProgrammes()
      .then((l) => live && setList(l))
      .catch(() => {});
    return () => {
      live = false;
    };
  }, []);
  return list;
}

export function programmeName(list: Programme[], code: string, t: Messages): string {
  const p = list.find((x) => x.code === code);
  if (!p) return code;
  return t.lang === "da" ? p.name_da : p.name_en;
}

export function milestoneName(list: Programme[], programme: string, code: string | null | undefined, t: Messages): string {
  if (!code) return "";
  const rule = list.find((x) => x.code === programme)?.milestone_rules.find((r) => r.code === code);
  if (!rule) return code;
  return t.lang === "da" ? rule.name_da : rule.name_en;
}
