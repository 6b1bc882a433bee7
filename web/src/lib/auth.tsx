import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from "react";
import { api, refreshSession, signOut as apiSignOut } from "../api/client";
import { REFRESH_MODE, onSignOut, type SignOutReason } from "../api/session";
import type { Me, Role } from "../api/types";

type AuthState =
  | { status: "checking" }
  | { status: "signed-out"; reason?: SignOutReason }
  | { status: "signed-in"; me: Me };

interface Auth {
  state: AuthState;
  me: Me | null;
  has: (r: Role) => boolean;
  signedIn: () => Promise<boolean>;
  signOut: () => Promise<void>;
}

const Ctx = createContext<Auth | null>(null);

export function AuthProvider({ children }: { children: ReactNode }) {
  const [state, setState] = useState<AuthState>({ status: "checking" });

  const loadMe = useCallback(async () => {
    const res = await api.GET("/api/v1/me");
    if (res.data) {
      setState({ status: "signed-in", me: res.data });
      return true;
    }
    return false;
  }, []);

  useEffect(() => {
    // In cookie mode a reload restores the session from the HttpOnly cookie.
    if (REFRESH_MODE === "cookie") {
      refreshSession()
        .then((ok) => (ok ? loadMe() : false))
        .then((ok) => {
          if (!ok) setState({ status: "signed-out" });
        })
        .catch(() => setState({ status: "signed-out" }));
    } else {
      setState({ status: "signed-out" });
    }
    return onSignOut((reason) => setState({ status: "signed-out", reason }));
  }, [loadMe]);

  const value = useMemo<Auth>(() => {
    const me = state.status === "signed-in" ? state.me : null;
    return {
      state,
      me,
      has: (r) => !!me?.roles.includes(r),
      signedIn: loadMe,
      signOut: apiSignOut,
    };
  }, [state, loadMe]);
  return <Ctx.Provider value={value}>{children}</Ctx.Provider>;
}

export function useAuth(): Auth {
  const a = useContext(Ctx);
  if (!a) throw new Error("useAuth outside AuthProvider");
  return a;
}

/** Where a user starts: a mentor with their mentees, others with the caseload. */
export function homeFor(me: Me): string {
  if (me.roles.includes("caseworker")) return "/sagsstamme";
  if (me.roles.includes("manager")) return "/rapporter/sagsstamme";
  if (me.roles.includes("mentor")) return "/mentees";
  if (me.roles.includes("auditor")) return "/revision";
  if (me.roles.includes("admin")) return "/admin/brugere";
  return "/velkommen";
}
