// Login and password-reset request: the only pages outside the shell.
import { Show, createSignal, type JSX } from "solid-js";
import { A, useNavigate, useSearchParams } from "@solidjs/router";
import { api } from "../lib/api.ts";
import { adopt } from "../lib/session.ts";
import type { SessionView } from "../lib/types.ts";
import { ErrorBox, TextField, useAction } from "../ui/kit.tsx";

function Frame(props: { title: string; children: JSX.Element }) {
  return (
    <main class="min-h-screen flex items-center justify-center p-4">
      <div class="panel w-full max-w-sm">
        <div class="panel-head">
          <span class="font-mono font-bold text-lime">TRAFI</span>
          <span class="text-xs text-muted">Dashboard</span>
        </div>
        <div class="p-6">
          <h1 class="text-xl font-bold m-0 mb-4">{props.title}</h1>
          {props.children}
        </div>
      </div>
    </main>
  );
}

export function Login() {
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const [email, setEmail] = createSignal("");
  const [password, setPassword] = createSignal("");
  const { busy, error, run } = useAction();
  const submit = async (e: Event) => {
    e.preventDefault();
    const ok = await run(async () => adopt(await api.post<SessionView>("/v1/auth/login", { email: email(), password: password() })));
    const next = typeof params.next === "string" && params.next.startsWith("/") && !params.next.startsWith("//") ? params.next : "/";
    if (ok) navigate(next, { replace: true });
  };
  return (
    <Frame title="Log in">
      <form onSubmit={submit} class="flex flex-col gap-4">
        <TextField label="E-mail" type="email" name="email" autocomplete="username" required value={email()} onInput={(e) => setEmail(e.currentTarget.value)} />
        <TextField label="Password" type="password" name="password" autocomplete="current-password" required value={password()} onInput={(e) => setPassword(e.currentTarget.value)} />
        <Show when={error()}>
          <ErrorBox error={error()} />
        </Show>
        <button type="submit" class="btn-primary justify-center" disabled={busy()}>{busy() ? "Logging in…" : "Log in"}</button>
        <A href="/reset" class="link-lime text-sm">Forgot your password?</A>
      </form>
    </Frame>
  );
}

export function ResetRequest() {
  const [email, setEmail] = createSignal("");
  const [sent, setSent] = createSignal(false);
  const { busy, error, run } = useAction();
  const submit = async (e: Event) => {
    e.preventDefault();
    if (await run(() => api.post("/v1/auth/password-reset/request", { email: email() }))) setSent(true);
  };
  return (
    <Frame title="Reset your password">
      <Show
        when={!sent()}
        fallback={
          <div role="status">
            <p class="m-0">If an account exists for <span class="mono">{email()}</span>, a reset link is on its way. It works once, for 30 minutes.</p>
            <A href="/login" class="link-lime text-sm mt-4 inline-block">Back to log in</A>
          </div>
        }
      >
        <form onSubmit={submit} class="flex flex-col gap-4">
          <p class="m-0 text-sm text-muted">Enter the e-mail of your account; we send a single-use link.</p>
          <TextField label="E-mail" type="email" name="email" autocomplete="username" required value={email()} onInput={(e) => setEmail(e.currentTarget.value)} />
          <Show when={error()}>
            <ErrorBox error={error()} />
          </Show>
          <button type="submit" class="btn-primary justify-center" disabled={busy()}>{busy() ? "Sending…" : "Send reset link"}</button>
          <A href="/login" class="link-lime text-sm">Back to log in</A>
        </form>
      </Show>
    </Frame>
  );
}

/** Target of the e-mailed link /admin/reset-password#token=… (the token stays out of logs and Referer). */
export function ResetConfirm() {
  const token = new URLSearchParams(window.location.hash.slice(1)).get("token") ?? "";
  const [password, setPassword] = createSignal("");
  const [done, setDone] = createSignal(false);
  const { busy, error, run } = useAction();
  const submit = async (e: Event) => {
    e.preventDefault();
    if (await run(() => api.post("/v1/auth/password-reset/confirm", { token, password: password() }))) setDone(true);
  };
  return (
    <Frame title="Choose a new password">
      <Show when={!done()} fallback={<div role="status"><p class="m-0">Password changed. Every other session was signed out.</p><A href="/login" class="link-lime text-sm mt-4 inline-block">Log in</A></div>}>
        <form onSubmit={submit} class="flex flex-col gap-4">
          <TextField label="New password" hint="10 characters or more" type="password" autocomplete="new-password" minLength={10} required value={password()} onInput={(e) => setPassword(e.currentTarget.value)} />
          <Show when={error()}>
            <ErrorBox error={error()} />
          </Show>
          <button type="submit" class="btn-primary justify-center" disabled={busy() || !token}>Set password</button>
        </form>
      </Show>
    </Frame>
  );
}

/** Target of the invitation e-mail /admin/accept-invite#token=…: joins the store (creating the account if new). */
export function AcceptInvite() {
  const token = new URLSearchParams(window.location.hash.slice(1)).get("token") ?? "";
  const [name, setName] = createSignal("");
  const [password, setPassword] = createSignal("");
  const [done, setDone] = createSignal(false);
  const { busy, error, run } = useAction();
  const submit = async (e: Event) => {
    e.preventDefault();
    const body = { token, password: password(), ...(name().trim() ? { name: name().trim() } : {}) };
    if (await run(() => api.post("/v1/auth/invites/accept", body))) setDone(true);
  };
  return (
    <Frame title="Join the store">
      <Show when={!done()} fallback={<div role="status"><p class="m-0">You are now a member of the store.</p><A href="/login" class="link-lime text-sm mt-4 inline-block">Log in</A></div>}>
        <form onSubmit={submit} class="flex flex-col gap-4">
          <p class="m-0 text-sm text-muted">New to Trafi? Choose your name and a password. Already have an account? Enter its password.</p>
          <TextField label="Your name" autocomplete="name" value={name()} onInput={(e) => setName(e.currentTarget.value)} />
          <TextField label="Password" hint="10 characters or more" type="password" autocomplete="new-password" required value={password()} onInput={(e) => setPassword(e.currentTarget.value)} />
          <Show when={error()}>
            <ErrorBox error={error()} />
          </Show>
          <button type="submit" class="btn-primary justify-center" disabled={busy() || !token}>Accept invitation</button>
        </form>
      </Show>
    </Frame>
  );
}
