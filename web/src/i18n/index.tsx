import { createContext, useContext, useEffect, useMemo, useState, type ReactNode } from "react";
import { da, type Messages } from "./da";
import { en } from "./en";

export type Lang = "da" | "en";
export const dictionaries: Record<Lang, Messages> = { da, en };

interface I18n {
  t: Messages;
  lang: Lang;
  setLang: (l: Lang) => void;
}

const Ctx = createContext<I18n>({ t: da, lang: "da", setLang: () => {} });

// The language choice is not a secret; it is kept in memory only, like
// everything else, and Danish is the default.
export function I18nProvider({ children, initial = "da" }: { children: ReactNode; initial?: Lang }) {
  const [lang, setLang] = useState<Lang>(initial);
  useEffect(() => {
    document.documentElement.lang = lang;
  }, [lang]);
  const value = useMemo(() => ({ t: dictionaries[lang], lang, setLang }), [lang]);
  return <Ctx.Provider value={value}>{children}</Ctx.Provider>;
}

export function useI18n(): I18n {
  return useContext(Ctx);
}

export function useT(): Messages {
  return useContext(Ctx).t;
}

// One formatter per locale and style: building an Intl formatter is costly.
const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(locale: string, withTime: boolean): Intl.DateTimeFormat {
  const key = `${locale}|${withTime}`;
  let f = formatters.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat(locale, {
      day: "numeric",
      month: "short",
      year: "numeric",
      ...(withTime ? { hour: "2-digit", minute: "2-digit" } : {}),
    });
    formatters.set(key, f);
  }
  return f;
}

export function formatDate(iso: string | null | undefined, t: Messages): string {
  if (!iso) return t.app.none;
  const d = new Date(iso.length === 10 ? `${iso}T00:00:00` : iso);
  if (Number.isNaN(d.getTime())) return iso;
  return formatter(t.format.locale, false).format(d);
}

export function formatDateTime(iso: string | null | undefined, t: Messages): string {
  if (!iso) return t.app.none;
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return formatter(t.format.locale, true).format(d);
}

export function label(map: Record<string, string>, code: string | null | undefined, t: Messages): string {
  if (code == null) return t.app.none;
  return map[code] ?? code;
}
