// A small history router: paths only, no query strings with personal data
// (the CPR never goes into a URL; searches are POST bodies kept in state).
import { useSyncExternalStore, type AnchorHTMLAttributes, type MouseEvent } from "react";

const listeners = new Set<() => void>();

/** Whether the latest path change should move focus to the new page's heading. */
let focusNext = false;
export function takeFocusRequest(): boolean {
  const f = focusNext;
  focusNext = false;
  return f;
}

function subscribe(cb: () => void) {
  listeners.add(cb);
  const pop = () => {
    focusNext = true;
    cb();
  };
  window.addEventListener("popstate", pop);
  return () => {
    listeners.delete(cb);
    window.removeEventListener("popstate", pop);
  };
}

/**
 * Goes to `to`. A user's navigation (not a replace, unless `focus` is given)
 * moves focus to the new page's h1, so a screen reader announces it; the first
 * page load does not, so the skip link stays the first stop.
 */
export function navigate(to: string, opts: { replace?: boolean; focus?: boolean } = {}): void {
  focusNext = opts.focus ?? !opts.replace;
  if (opts.replace) history.replaceState(null, "", to);
  else history.pushState(null, "", to);
  for (const l of listeners) l();
  window.scrollTo?.(0, 0);
}

export function usePath(): string {
  return useSyncExternalStore(subscribe, () => location.pathname, () => "/");
}

/** Matches "/borgere/:id" against a path; returns the params or null. */
export function match(pattern: string, path: string): Record<string, string> | null {
  const p = pattern.split("/").filter(Boolean);
  const s = path.split("/").filter(Boolean);
  if (p.length !== s.length) return null;
  const params: Record<string, string> = {};
  for (let i = 0; i < p.length; i++) {
    if (p[i].startsWith(":")) params[p[i].slice(1)] = decodeURIComponent(s[i]);
    else if (p[i] !== s[i]) return null;
  }
  return params;
}

export function Link({ href, onClick, ...rest }: AnchorHTMLAttributes<HTMLAnchorElement> & { href: string }) {
  const handle = (e: MouseEvent<HTMLAnchorElement>) => {
    onClick?.(e);
    if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    e.preventDefault();
    navigate(href);
  };
  return <a href={href} onClick={handle} {...rest} />;
}
