// Payments: the provider used at checkout (sandbox or Stripe), capture method, and the Stripe keys (the secret
// key is write-only: the API returns only a hint of it).
import { Show, createResource, createSignal } from "solid-js";
import { createStore } from "solid-js/store";
import { api } from "../../lib/api.ts";
import { Async, Badge, ErrorBox, PageHeader, Section, SelectField, TextField, notify, useAction } from "../../ui/kit.tsx";

interface PaymentSettings { provider: "sandbox" | "stripe"; captureMethod: "automatic" | "manual" }
interface StripeSettings { configured: boolean; mode: "test" | "live" | null; secretKeyHint: string | null; publishableKey: string | null; webhookSecretSet: boolean; webhookUrl: string }

function ProviderForm(props: { s: PaymentSettings; onSaved: (s: PaymentSettings) => void }) {
  const [f, setF] = createStore({ ...props.s });
  const { busy, error, run } = useAction();
  const save = async (e: Event) => {
    e.preventDefault();
    if (await run(async () => props.onSaved(await api.patch<PaymentSettings>("/v1/admin/settings/payments", { ...f })))) notify("Payment settings saved");
  };
  return (
    <form onSubmit={save} aria-label="Payment provider" class="grid grid-cols-3 gap-3 items-end">
      <SelectField label="Provider at checkout" value={f.provider} onChange={(e) => setF("provider", e.currentTarget.value as "stripe")} options={[{ value: "sandbox", label: "Sandbox (test cards, no money moves)" }, { value: "stripe", label: "Stripe" }]} />
      <SelectField label="Capture" value={f.captureMethod} onChange={(e) => setF("captureMethod", e.currentTarget.value as "manual")} options={[{ value: "automatic", label: "Automatic (charge at order)" }, { value: "manual", label: "Manual (authorize, capture later)" }]} />
      <button type="submit" class="btn-primary" disabled={busy()}>Save</button>
      <Show when={error()}><div class="col-span-3"><ErrorBox error={error()} /></div></Show>
    </form>
  );
}

function StripeForm(props: { s: StripeSettings; onSaved: (s: StripeSettings) => void }) {
  const [pk, setPk] = createSignal(props.s.publishableKey ?? "");
  const [sk, setSk] = createSignal("");
  const [whsec, setWhsec] = createSignal("");
  const { busy, error, run } = useAction();
  const save = async (e: Event) => {
    e.preventDefault();
    const body: Record<string, unknown> = { publishableKey: pk().trim() };
    if (sk().trim()) body.secretKey = sk().trim();
    if (whsec().trim()) body.webhookSecret = whsec().trim();
    if (await run(async () => { props.onSaved(await api.put<StripeSettings>("/v1/admin/settings/payments/stripe", body)); setSk(""); setWhsec(""); })) notify("Stripe keys saved");
  };
  return (
    <form onSubmit={save} aria-label="Stripe keys">
      <div class="flex gap-2 mb-4 items-center">
        <Badge tone={props.s.configured ? "ok" : "muted"}>{props.s.configured ? "configured" : "not configured"}</Badge>
        <Show when={props.s.mode}><Badge tone={props.s.mode === "live" ? "warn" : "lime"}>{props.s.mode} mode</Badge></Show>
      </div>
      <div class="grid grid-cols-2 gap-4">
        <TextField label="Publishable key" class="mono" required value={pk()} onInput={(e) => setPk(e.currentTarget.value)} placeholder="pk_test_…" />
        <TextField label="Secret key" type="password" autocomplete="off" hint={props.s.secretKeyHint ? `Saved: ${props.s.secretKeyHint}; leave empty to keep it` : "sk_test_… or a restricted rk_ key"} value={sk()} onInput={(e) => setSk(e.currentTarget.value)} />
        <TextField label="Webhook signing secret" type="password" autocomplete="off" hint={props.s.webhookSecretSet ? "Saved; leave empty to keep it" : "whsec_… from the Stripe dashboard"} value={whsec()} onInput={(e) => setWhsec(e.currentTarget.value)} />
        <div>
          <label class="label" for="stripe-webhook-url">Webhook URL to register in Stripe</label>
          <input id="stripe-webhook-url" class="input mono text-xs" readOnly value={props.s.webhookUrl} />
        </div>
      </div>
      <Show when={error()}><div class="mt-3"><ErrorBox error={error()} /></div></Show>
      <button type="submit" class="btn-primary mt-4" disabled={busy()}>Save Stripe keys</button>
    </form>
  );
}

export function Payments() {
  const [settings, { refetch, mutate }] = createResource(() => api.get<PaymentSettings>("/v1/admin/settings/payments"));
  const [stripe, { refetch: refetchStripe, mutate: mutateStripe }] = createResource(() => api.get<StripeSettings>("/v1/admin/settings/payments/stripe"));
  return (
    <>
      <PageHeader crumbs={[{ label: "Settings", href: "/settings" }, { label: "Payments" }]} title="Payments" />
      <div class="p-6 max-w-4xl">
        <Section title="Provider"><Async data={settings} retry={refetch}>{(s) => <ProviderForm s={s} onSaved={(n) => mutate(n)} />}</Async></Section>
        <Section title="Stripe"><Async data={stripe} retry={refetchStripe}>{(s) => <StripeForm s={s} onSaved={(n) => mutateStripe(n)} />}</Async></Section>
      </div>
    </>
  );
}
