import { useState, type FormEvent } from "react";
import { signIn } from "../api/client";
import { describeNetworkError, describeResult, type Described } from "../api/errors";
import type { SignOutReason } from "../api/session";
import { Alert, ProblemAlert } from "../components/feedback";
import { TextField } from "../components/forms";
import { useT } from "../i18n";
import { useAuth } from "../lib/auth";

export function Login({ reason }: { reason?: SignOutReason }) {
  const t = useT();
  const { signedIn } = useAuth();
  const [username, setUsername] = useState("");
  const [password, setPassword] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<Described | null>(null);

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (!username.trim() || !password) {
      setError({ message: t.login.required, fields: {}, status: 0, code: "client" });
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const res = await signIn(username.trim(), password);
      const err = describeResult(res, t);
      if (err) {
        setError(err);
        setPassword("");
        return;
      }
      await signedIn();
    } catch {
      setError(describeNetworkError(t));
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="login">
      <h1>{t.login.title}</h1>
      <p className="font-lead">{t.login.intro}</p>
      {reason === "expired" ? <Alert variant="warning">{t.login.sessionEnded}</Alert> : null}
      {reason === "signed-out" && !error ? <Alert variant="info">{t.login.signedOut}</Alert> : null}
      <ProblemAlert problem={error} />
      <form onSubmit={submit} noValidate>
        <TextField
          id="username"
          label={t.login.username}
          name="username"
          autoComplete="username"
          value={username}
          onChange={(e) => setUsername(e.target.value)}
          required
        />
        <TextField
          id="password"
          label={t.login.password}
          name="password"
          type="password"
          autoComplete="current-password"
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          required
        />
        <button type="submit" className="button button-primary" disabled={busy}>
          {busy ? t.login.submitting : t.login.submit}
        </button>
      </form>
    </div>
  );
}
