// Store profile: name, default currency, timezone, support e-mail, and how long buyers may start returns themselves.
import { Show, createResource } from "solid-js";
import { createStore } from "solid-js/store";
import { api } from "../../lib/api.ts";
import type { Settings } from "../../lib/types.ts";
import { Async, ErrorBox, PageHeader, Section, TextField, notify, useAction } from "../../ui/kit.tsx";

function StoreForm(props: { s: Settings; onSaved: (s: Settings) => void }) {
  const [f, setF] = createStore({ name: props.s.name, defaultCurrency: props.s.defaultCurrency, timezone: props.s.timezone, supportEmail: props.s.supportEmail ?? "", returnWindowDays: props.s.returnWindowDays === null ? "" : String(props.s.returnWindowDays), storefrontUrl: props.s.storefrontUrl ?? "" });
  const { busy, error, run } = useAction();
  const save = async (e: Event) => {
    e.preventDefault();
    const ok = await run(async () =>
      props.onSaved(await api.patch<Settings>("/v1/admin/settings", { name: f.name.trim(), defaultCurrency: f.defaultCurrency.trim().toUpperCase(), timezone: f.timezone.trim(), supportEmail: f.supportEmail.trim() || null, returnWindowDays: f.returnWindowDays.trim() === "" ? null : Number(f.returnWindowDays), storefrontUrl: f.storefrontUrl.trim() || null })),
    );
    if (ok) notify("Store settings saved");
  };
  return (
    <form onSubmit={save} aria-label="Store profile">
      <Section title="Store profile">
        <div class="grid grid-cols-2 gap-4">
          <TextField label="Store name" required value={f.name} onInput={(e) => setF("name", e.currentTarget.value)} />
          <TextField label="Support e-mail" type="email" value={f.supportEmail} onInput={(e) => setF("supportEmail", e.currentTarget.value)} />
          <TextField label="Default currency" hint="ISO 4217 code; every variant needs a price in it" class="mono" maxLength={3} value={f.defaultCurrency} onInput={(e) => setF("defaultCurrency", e.currentTarget.value)} />
          <TextField label="Timezone" hint="IANA name, e.g. Europe/Paris" value={f.timezone} onInput={(e) => setF("timezone", e.currentTarget.value)} />
          <TextField label="Return window (days)" hint="How long after shipping buyers may start a return from the storefront (1–365); empty: only you can" type="number" min="1" max="365" step="1" class="mono"
            value={f.returnWindowDays} onInput={(e) => setF("returnWindowDays", e.currentTarget.value)} />
          <TextField label="Storefront URL" hint="Order e-mails link buyers to <URL>/orders/… there; empty: no link" type="url" value={f.storefrontUrl} onInput={(e) => setF("storefrontUrl", e.currentTarget.value)} placeholder="https://shop.example.com" />
        </div>
      </Section>
      <Show when={error()}><div class="mb-4"><ErrorBox error={error()} /></div></Show>
      <button type="submit" class="btn-primary" disabled={busy()}>Save</button>
    </form>
  );
}

export function StoreSettings() {
  const [s, { refetch, mutate }] = createResource(() => api.get<Settings>("/v1/admin/settings"));
  return (
    <>
      <PageHeader crumbs={[{ label: "Settings", href: "/settings" }, { label: "Store" }]} title="Store" />
      <div class="p-6 max-w-3xl">
        <Async data={s} retry={refetch}>{(v) => <StoreForm s={v} onSaved={(n) => mutate(n)} />}</Async>
      </div>
    </>
  );
}
