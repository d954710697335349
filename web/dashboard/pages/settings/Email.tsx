// E-mail provider: the outbox (kept in the store, visible in the API) or SMTP.
import { Show, createResource } from "solid-js";
import { createStore } from "solid-js/store";
import { api } from "../../lib/api.ts";
import type { EmailProvider } from "../../lib/types.ts";
import { Async, ErrorBox, PageHeader, Section, SelectField, TextField, notify, useAction } from "../../ui/kit.tsx";

function ProviderForm(props: { p: EmailProvider; onSaved: (p: EmailProvider) => void }) {
  const [f, setF] = createStore({
    provider: props.p.provider, fromAddress: props.p.fromAddress ?? "", fromName: props.p.fromName ?? "",
    host: props.p.smtp?.host ?? "", port: String(props.p.smtp?.port ?? 587), secure: props.p.smtp?.secure ?? false, user: props.p.smtp?.user ?? "", password: "",
  });
  const { busy, error, run } = useAction();
  const save = async (e: Event) => {
    e.preventDefault();
    const body: Record<string, unknown> = { provider: f.provider };
    if (f.fromAddress.trim()) body.fromAddress = f.fromAddress.trim();
    if (f.fromName.trim()) body.fromName = f.fromName.trim();
    if (f.provider === "smtp") {
      const smtp: Record<string, unknown> = { host: f.host.trim(), port: Number(f.port), secure: f.secure };
      if (f.user.trim()) smtp.user = f.user.trim();
      if (f.password) smtp.password = f.password;
      body.smtp = smtp;
    }
    if (await run(async () => props.onSaved(await api.put<EmailProvider>("/v1/admin/emails/provider", body)))) notify("E-mail provider saved");
  };
  return (
    <form onSubmit={save} aria-label="E-mail provider">
      <Section title="Provider">
        <div class="grid grid-cols-2 gap-4">
          <SelectField label="Provider" value={f.provider} onChange={(e) => setF("provider", e.currentTarget.value as "smtp")} options={[{ value: "outbox", label: "Outbox only (no sending)" }, { value: "smtp", label: "SMTP" }]} />
          <div />
          <TextField label="From address" type="email" value={f.fromAddress} onInput={(e) => setF("fromAddress", e.currentTarget.value)} />
          <TextField label="From name" value={f.fromName} onInput={(e) => setF("fromName", e.currentTarget.value)} />
          <Show when={f.provider === "smtp"}>
            <TextField label="SMTP host" required value={f.host} onInput={(e) => setF("host", e.currentTarget.value)} />
            <TextField label="Port" inputmode="numeric" value={f.port} onInput={(e) => setF("port", e.currentTarget.value)} />
            <TextField label="User" value={f.user} onInput={(e) => setF("user", e.currentTarget.value)} />
            <TextField label="Password" type="password" autocomplete="new-password" hint={props.p.smtp?.hasPassword ? "A password is saved; leave empty to keep it" : undefined} value={f.password} onInput={(e) => setF("password", e.currentTarget.value)} />
            <label class="flex items-center gap-2 text-sm"><input type="checkbox" checked={f.secure} onChange={(e) => setF("secure", e.currentTarget.checked)} /> TLS from the start (port 465)</label>
          </Show>
        </div>
      </Section>
      <Show when={error()}><div class="mb-4"><ErrorBox error={error()} /></div></Show>
      <button type="submit" class="btn-primary" disabled={busy()}>Save</button>
    </form>
  );
}

export function Email() {
  const [p, { refetch, mutate }] = createResource(() => api.get<EmailProvider>("/v1/admin/emails/provider"));
  return (
    <>
      <PageHeader crumbs={[{ label: "Settings", href: "/settings" }, { label: "Email" }]} title="Email" />
      <div class="p-6 max-w-3xl"><Async data={p} retry={refetch}>{(v) => <ProviderForm p={v} onSaved={(n) => mutate(n)} />}</Async></div>
    </>
  );
}
