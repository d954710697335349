// Shared building blocks: page header with breadcrumb, badges, labelled fields, the three list states (loading,
// empty with a next step, error with the request id), the confirm dialog for destructive actions, notices.
import { For, Show, createSignal, createUniqueId, splitProps, type JSX, type Resource } from "solid-js";
import { A } from "@solidjs/router";
import { Dialog } from "@kobalte/core/dialog";
import { ApiError, describe } from "../lib/api.ts";

export interface Crumb {
  label: string;
  href?: string;
}

export function PageHeader(props: { crumbs: Crumb[]; title: string; actions?: JSX.Element; children?: JSX.Element }) {
  return (
    <header class="border-b border-line px-6 py-4">
      <nav aria-label="Breadcrumb" class="text-xs text-muted mb-2">
        <ol class="flex flex-wrap gap-1 list-none p-0 m-0">
          <li>
            <A href="/" class="hover:text-fg">Dashboard</A>
          </li>
          <For each={props.crumbs}>
            {(c, i) => (
              <li class="flex gap-1">
                <span aria-hidden="true">&gt;</span>
                <Show when={c.href && i() < props.crumbs.length - 1} fallback={<span aria-current={i() === props.crumbs.length - 1 ? "page" : undefined} class="text-fg">{c.label}</span>}>
                  <A href={c.href!} class="hover:text-fg">{c.label}</A>
                </Show>
              </li>
            )}
          </For>
        </ol>
      </nav>
      <div class="flex items-center justify-between gap-4">
        <h1 class="text-xl font-bold m-0">{props.title}</h1>
        <div class="flex gap-2">{props.actions}</div>
      </div>
      {props.children}
    </header>
  );
}

export type Tone = "ok" | "warn" | "err" | "lime" | "muted";
const toneClass: Record<Tone, string> = {
  ok: "border-ok text-ok",
  warn: "border-warn text-warn",
  err: "border-err text-err",
  lime: "border-lime text-lime",
  muted: "border-line text-muted",
};

export function Badge(props: { tone: Tone; children: JSX.Element }) {
  return <span class={`inline-block border px-1.5 text-xs uppercase tracking-wider font-mono ${toneClass[props.tone]}`}>{props.children}</span>;
}

type InputProps = JSX.InputHTMLAttributes<HTMLInputElement> & { label: string; hint?: string };

export function TextField(props: InputProps) {
  const [own, rest] = splitProps(props, ["label", "hint", "class"]);
  const id = createUniqueId();
  return (
    <div class={own.class}>
      <label class="label" for={id}>{own.label}</label>
      <input id={id} class="input" aria-describedby={own.hint ? `${id}-hint` : undefined} {...rest} />
      <Show when={own.hint}>
        <p id={`${id}-hint`} class="text-xs text-muted mt-1 mb-0">{own.hint}</p>
      </Show>
    </div>
  );
}

export function SelectField(props: JSX.SelectHTMLAttributes<HTMLSelectElement> & { label: string; options: { value: string; label: string }[] }) {
  const [own, rest] = splitProps(props, ["label", "options", "class"]);
  const id = createUniqueId();
  return (
    <div class={own.class}>
      <label class="label" for={id}>{own.label}</label>
      <select id={id} class="input" {...rest}>
        {/* `selected` per option: a select's value set before its options exist is lost. */}
        <For each={own.options}>{(o) => <option value={o.value} selected={o.value === rest.value}>{o.label}</option>}</For>
      </select>
    </div>
  );
}

export function ErrorBox(props: { error: unknown; retry?: () => void }) {
  const rid = () => (props.error instanceof ApiError ? props.error.requestId : null);
  return (
    <div role="alert" class="border border-err p-4 text-sm mb-4">
      <p class="m-0 text-err font-bold">{describe(props.error)}</p>
      <Show when={rid()}>
        <p class="m-0 mt-1 text-muted">
          Request id: <span class="mono text-fg select-all">{rid()}</span>
        </p>
      </Show>
      <Show when={props.retry}>
        <button type="button" class="btn mt-3" onClick={() => props.retry?.()}>Retry</button>
      </Show>
    </div>
  );
}

export function Loading(props: { label?: string }) {
  return (
    <div role="status" aria-live="polite" class="p-6 text-muted text-sm">
      <div class="progress w-48 mb-2" aria-hidden="true"><span class="animate-pulse" style={{ width: "60%" }} /></div>
      {props.label ?? "Loading…"}
    </div>
  );
}

export function Empty(props: { title: string; children?: JSX.Element }) {
  return (
    <div class="p-8 border border-dashed border-line text-center">
      <p class="m-0 font-bold">{props.title}</p>
      <div class="text-muted text-sm mt-2">{props.children}</div>
    </div>
  );
}

/** Renders a resource in its three states; `empty` decides when loaded data counts as empty. */
export function Async<T>(props: { data: Resource<T>; retry?: () => void; empty?: (d: T) => boolean; emptyView?: JSX.Element; children: (d: T) => JSX.Element }) {
  return (
    <Show when={!props.data.error} fallback={<ErrorBox error={props.data.error} retry={props.retry} />}>
      <Show when={props.data() !== undefined} fallback={<Loading />}>
        <Show when={!(props.empty && props.empty(props.data() as T))} fallback={props.emptyView}>
          {props.children(props.data() as T)}
        </Show>
      </Show>
    </Show>
  );
}

/** Destructive action: a button that opens a dialog naming the consequence; the action runs only on confirm. */
export function Confirm(props: { label: string; title: string; consequence: string; confirmLabel: string; onConfirm: () => Promise<unknown>; small?: boolean }) {
  const [open, setOpen] = createSignal(false);
  const [busy, setBusy] = createSignal(false);
  const [error, setError] = createSignal<unknown>(null);
  const run = async () => {
    setBusy(true);
    setError(null);
    try {
      await props.onConfirm();
      setOpen(false);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Dialog open={open()} onOpenChange={setOpen}>
      <Dialog.Trigger class={props.small ? "btn-danger text-xs py-0.5" : "btn-danger"}>{props.label}</Dialog.Trigger>
      <Dialog.Portal>
        <Dialog.Overlay class="fixed inset-0 bg-black/80 z-50" />
        <div class="fixed inset-0 z-50 flex items-center justify-center p-4">
          <Dialog.Content class="panel w-full max-w-md p-6 bg-bg text-fg">
            <Dialog.Title class="text-lg font-bold m-0">{props.title}</Dialog.Title>
            <Dialog.Description class="text-sm text-muted mt-2">{props.consequence}</Dialog.Description>
            <Show when={error()}>
              <div class="mt-3"><ErrorBox error={error()} /></div>
            </Show>
            <div class="flex justify-end gap-2 mt-6">
              <Dialog.CloseButton class="btn" aria-label="Cancel">Cancel</Dialog.CloseButton>
              <button type="button" class="btn-danger" disabled={busy()} onClick={run}>{busy() ? "Working…" : props.confirmLabel}</button>
            </div>
          </Dialog.Content>
        </div>
      </Dialog.Portal>
    </Dialog>
  );
}

const [notice, setNotice] = createSignal<{ text: string; tone: Tone } | null>(null);
let noticeTimer: ReturnType<typeof setTimeout> | undefined;
export function notify(text: string, tone: Tone = "ok") {
  setNotice({ text, tone });
  clearTimeout(noticeTimer);
  noticeTimer = setTimeout(() => setNotice(null), 5000);
}

export function Notices() {
  return (
    <div role="status" aria-live="polite" class="fixed bottom-4 right-4 z-40">
      <Show when={notice()}>
        {(n) => <div class={`panel px-4 py-2 text-sm ${toneClass[n().tone]}`}>{n().text}</div>}
      </Show>
    </div>
  );
}

/** Runs a form submit with busy state and an inline error; returns [busy, error, run]. */
export function useAction() {
  const [busy, setBusy] = createSignal(false);
  const [error, setError] = createSignal<unknown>(null);
  const run = async (fn: () => Promise<unknown>) => {
    setBusy(true);
    setError(null);
    try {
      await fn();
      return true;
    } catch (e) {
      setError(e);
      return false;
    } finally {
      setBusy(false);
    }
  };
  return { busy, error, run };
}

export function Section(props: { title: string; actions?: JSX.Element; children: JSX.Element }) {
  return (
    <section class="panel mb-6">
      <div class="panel-head">
        <h2 class="text-sm uppercase tracking-wider m-0">{props.title}</h2>
        <div class="flex gap-2">{props.actions}</div>
      </div>
      <div class="p-4">{props.children}</div>
    </section>
  );
}
