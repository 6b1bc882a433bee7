import { Suspense, lazy, useEffect, useRef, type ReactNode } from "react";
import { I18nProvider, useI18n, useT } from "./i18n";
import { AuthProvider, homeFor, useAuth } from "./lib/auth";
import { Link, match, navigate, takeFocusRequest, usePath } from "./lib/router";
import { Loading } from "./components/feedback";
import { Login } from "./screens/Login";
import { useOfflineSync, useOnline } from "./offline/sync";

// The first screens after sign-in are in the main bundle: a lazy screen
// suspends once, and React holds a Suspense reveal for at least 300 ms.
import Caseload from "./screens/Caseload";
import Mentees from "./screens/Mentees";
const CitizenSearch = lazy(() => import("./screens/CitizenSearch"));
const RegisterCitizen = lazy(() => import("./screens/RegisterCitizen"));
const CitizenPage = lazy(() => import("./screens/CitizenPage"));
const EnrolmentPage = lazy(() => import("./screens/EnrolmentPage"));
const MenteePage = lazy(() => import("./screens/MenteePage"));
const CaseloadReport = lazy(() => import("./screens/CaseloadReport"));
const Referrals = lazy(() => import("./screens/Referrals"));
const GrantReview = lazy(() => import("./screens/GrantReview"));
const Concerns = lazy(() => import("./screens/Concerns"));
const DeadlineReport = lazy(() => import("./screens/DeadlineReport"));
const OutcomeReport = lazy(() => import("./screens/OutcomeReport"));
const AuditLog = lazy(() => import("./screens/AuditLog"));
const AdminUsers = lazy(() => import("./screens/AdminUsers"));
const AdminProgrammes = lazy(() => import("./screens/AdminProgrammes"));

interface Route {
  pattern: string;
  render: (p: Record<string, string>) => ReactNode;
}

const ROUTES: Route[] = [
  { pattern: "/sagsstamme", render: () => <Caseload /> },
  { pattern: "/borgere/soeg", render: () => <CitizenSearch /> },
  { pattern: "/borgere/ny", render: () => <RegisterCitizen /> },
  { pattern: "/borgere/:id", render: (p) => <CitizenPage id={p.id} /> },
  { pattern: "/forloeb/:id", render: (p) => <EnrolmentPage id={p.id} /> },
  { pattern: "/mentees", render: () => <Mentees /> },
  { pattern: "/mentees/:id", render: (p) => <MenteePage enrolmentId={p.id} /> },
  { pattern: "/rapporter/sagsstamme", render: () => <CaseloadReport /> },
  { pattern: "/rapporter/frister", render: () => <DeadlineReport /> },
  { pattern: "/rapporter/resultater", render: () => <OutcomeReport /> },
  { pattern: "/revision", render: () => <AuditLog /> },
  { pattern: "/velkommen", render: () => <Welcome /> },
  { pattern: "/rapporter/noedadgange", render: () => <GrantReview /> },
  { pattern: "/henvisninger", render: () => <Referrals /> },
  { pattern: "/bekymringer", render: () => <Concerns /> },
  { pattern: "/admin/brugere", render: () => <AdminUsers /> },
  { pattern: "/admin/indsatser", render: () => <AdminProgrammes /> },
];

export function App() {
  return (
    <I18nProvider>
      <AuthProvider>
        <Shell />
      </AuthProvider>
    </I18nProvider>
  );
}

function Shell() {
  const t = useT();
  const { state, me } = useAuth();
  const path = usePath();
  const online = useOnline();
  useOfflineSync(me?.id ?? null);

  // Signed out (or a 401 after a failed refresh): everything is cleared by
  // unmounting the screens; the login screen is at /login.
  useEffect(() => {
    if (state.status === "signed-out" && path !== "/login") navigate("/login", { replace: true });
    if (state.status === "signed-in" && (path === "/login" || path === "/"))
      navigate(homeFor(state.me), { replace: true, focus: path === "/login" });
  }, [state, path]);

  // Move focus to the main heading when the route changes, for screen readers.
  const main = useRef<HTMLElement>(null);
  useEffect(() => {
    if (!takeFocusRequest()) return;
    // The screen may still be loading (lazy chunk, data): wait for its h1.
    let tries = 0;
    const timer = window.setInterval(() => {
      const h1 = main.current?.querySelector("h1");
      if (h1 || ++tries > 40) window.clearInterval(timer);
      if (h1) {
        h1.setAttribute("tabindex", "-1");
        h1.focus({ preventScroll: true });
      }
    }, 50);
    return () => window.clearInterval(timer);
  }, [path]);

  let content: ReactNode;
  if (state.status === "checking") content = <Loading />;
  else if (state.status === "signed-out") content = <Login reason={state.reason} />;
  else {
    let found: ReactNode = null;
    for (const r of ROUTES) {
      const params = match(r.pattern, path);
      if (params) {
        found = r.render(params);
        break;
      }
    }
    content = found ?? <NotFound />;
  }

  return (
    <>
      <a className="skipnav" href="#main-content">
        {t.app.skipToContent}
      </a>
      <Header />
      {!online ? (
        <div className="offline-banner" role="status">
          {t.app.offline}
        </div>
      ) : null}
      <main id="main-content" ref={main} className="container page-container" tabIndex={-1}>
        <Suspense fallback={<Loading />}>{content}</Suspense>
      </main>
    </>
  );
}

function Header() {
  const t = useT();
  const { lang, setLang } = useI18n();
  const { me, has, signOut } = useAuth();
  const path = usePath();
  const items: [string, string][] = [];
  if (me) {
    if (has("caseworker") || has("manager")) items.push(["/sagsstamme", t.nav.caseload]);
    if (has("caseworker")) {
      items.push(["/borgere/soeg", t.nav.search]);
      items.push(["/borgere/ny", t.nav.register]);
      items.push(["/henvisninger", t.nav.referrals]);
    }
    if (has("caseworker") && me.teams.some((tm) => tm.restricted)) items.push(["/bekymringer", t.nav.concerns]);
    if (has("mentor")) items.push(["/mentees", t.nav.mentees]);
    if (has("manager")) {
      items.push(["/rapporter/sagsstamme", t.nav.report]);
      items.push(["/rapporter/frister", t.nav.deadlines]);
      items.push(["/rapporter/resultater", t.nav.outcomes]);
      items.push(["/rapporter/noedadgange", t.nav.grants]);
      items.push(["/revision", t.nav.audit]);
    } else if (has("auditor")) {
      items.push(["/revision", t.nav.audit]);
      items.push(["/rapporter/frister", t.nav.deadlines]);
      items.push(["/rapporter/resultater", t.nav.outcomes]);
    }
    if (has("admin")) {
      items.push(["/admin/brugere", t.nav.admin]);
      items.push(["/admin/indsatser", t.nav.programmes]);
    }
  }
  return (
    <header className="header app-header">
      <div className="portal-info">
        <div className="portal-info-inner container">
          <span className="app-logo">{t.app.name}</span>
          <span className="app-tagline">{t.app.tagline}</span>
          <div className="app-header-actions">
            <button
              type="button"
              className="button button-tertiary"
              lang={lang === "da" ? "en" : "da"}
              aria-label={t.app.languageSwitchLabel}
              onClick={() => setLang(lang === "da" ? "en" : "da")}
            >
              {t.app.languageSwitch}
            </button>
            {me ? (
              <>
                <span className="app-user">{t.app.signedInAs(me.full_name, me.department.toUpperCase())}</span>
                <button type="button" className="button button-secondary" onClick={() => void signOut()}>
                  {t.app.signOut}
                </button>
              </>
            ) : null}
          </div>
        </div>
      </div>
      {items.length ? (
        <nav className="app-nav" aria-label={t.app.mainMenu}>
          <ul className="container">
            {items.map(([href, text]) => (
              <li key={href}>
                <Link href={href} aria-current={path === href || path.startsWith(`${href}/`) ? "page" : undefined}>
                  {text}
                </Link>
              </li>
            ))}
          </ul>
        </nav>
      ) : null}
    </header>
  );
}

function NotFound() {
  const t = useT();
  const { me } = useAuth();
  return (
    <>
      <h1>{t.app.notFoundTitle}</h1>
      <p>{t.app.notFoundText}</p>
      <p>
        <Link href={me ? homeFor(me) : "/login"}>{t.app.backToStart}</Link>
      </p>
    </>
  );
}

function Welcome() {
  const t = useT();
  return (
    <>
      <h1>{t.app.welcomeTitle}</h1>
      <p>{t.app.welcomeText}</p>
    </>
  );
}
