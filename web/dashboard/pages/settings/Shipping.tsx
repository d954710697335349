// Shipping: zones (sets of countries) and their flat rates (weight brackets stay in the API for now).
import { For, Show, createResource, createSignal } from "solid-js";
import { api, type Page } from "../../lib/api.ts";
import type { Settings, ShippingZone } from "../../lib/types.ts";
import { money, toMinor } from "../../lib/format.ts";
import { Async, Badge, Confirm, Empty, ErrorBox, PageHeader, Section, TextField, notify, useAction } from "../../ui/kit.tsx";

function AddRate(props: { zone: ShippingZone; currency: string; onChange: () => void }) {
  const [name, setName] = createSignal("");
  const [carrier, setCarrier] = createSignal("");
  const [amount, setAmount] = createSignal("");
  const { busy, error, run } = useAction();
  const add = (e: Event) => {
    e.preventDefault();
    return run(async () => {
      const minor = toMinor(amount(), props.currency);
      if (minor === null || minor < 0) throw new Error("Enter a valid amount");
      await api.post(`/v1/admin/shipping-zones/${props.zone.id}/rates`, { name: name().trim(), carrier: carrier().trim() || "standard", type: "flat", currency: props.currency, amount: minor });
      notify("Rate added");
      props.onChange();
    });
  };
  return (
    <form onSubmit={add} class="grid grid-cols-4 gap-3 items-end mt-3" aria-label={`Add a rate to ${props.zone.name}`}>
      <TextField label="Rate name" required value={name()} onInput={(e) => setName(e.currentTarget.value)} placeholder="Standard" />
      <TextField label="Carrier" value={carrier()} onInput={(e) => setCarrier(e.currentTarget.value)} placeholder="colissimo" />
      <TextField label={`Price (${props.currency})`} required inputmode="decimal" value={amount()} onInput={(e) => setAmount(e.currentTarget.value)} />
      <button type="submit" class="btn" disabled={busy()}>Add rate</button>
      <Show when={error()}><div class="col-span-4"><ErrorBox error={error()} /></div></Show>
    </form>
  );
}

export function Shipping() {
  const [zones, { refetch }] = createResource(() => api.get<Page<ShippingZone>>("/v1/admin/shipping-zones", { limit: 100 }));
  const [settings] = createResource(() => api.get<Settings>("/v1/admin/settings"));
  const currency = () => settings()?.defaultCurrency ?? "EUR";
  const [name, setName] = createSignal("");
  const [countries, setCountries] = createSignal("");
  const { busy, error, run } = useAction();
  const create = async (e: Event) => {
    e.preventDefault();
    const list = countries().split(",").map((c) => c.trim().toUpperCase()).filter(Boolean);
    if (await run(() => api.post("/v1/admin/shipping-zones", { name: name().trim(), countries: list }))) {
      notify(`Created ${name()}`);
      setName(""); setCountries("");
      void refetch();
    }
  };
  return (
    <>
      <PageHeader crumbs={[{ label: "Settings", href: "/settings" }, { label: "Shipping" }]} title="Shipping" />
      <div class="p-6 max-w-4xl">
        <Section title="New shipping zone">
          <form onSubmit={create} class="grid grid-cols-3 gap-3 items-end" aria-label="New shipping zone">
            <TextField label="Name" required value={name()} onInput={(e) => setName(e.currentTarget.value)} placeholder="Europe" />
            <TextField label="Countries" hint="Comma-separated ISO codes" required value={countries()} onInput={(e) => setCountries(e.currentTarget.value)} placeholder="FR, DE, BE" />
            <button type="submit" class="btn-primary" disabled={busy()}>Add zone</button>
          </form>
          <Show when={error()}><div class="mt-3"><ErrorBox error={error()} /></div></Show>
        </Section>
        <Async data={zones} retry={refetch} empty={(z) => z.data.length === 0} emptyView={<Empty title="No shipping zones">Add a zone and a rate: checkout offers only the rates of the buyer's country.</Empty>}>
          {(z) => (
            <For each={z.data}>
              {(zone) => (
                <Section title={zone.name} actions={<Confirm small label="Delete zone" title={`Delete ${zone.name}?`} confirmLabel="Delete zone" consequence={`Buyers in ${zone.countries.join(", ")} can no longer check out with these rates.`} onConfirm={async () => { await api.del(`/v1/admin/shipping-zones/${zone.id}`); void refetch(); }} />}>
                  <p class="m-0 mb-3 mono text-xs text-muted">{zone.countries.join(" · ")}</p>
                  <Show when={zone.rates.length > 0} fallback={<p class="text-sm text-warn m-0">No rate yet: buyers here cannot check out.</p>}>
                    <table>
                      <thead><tr><th class="th">Rate</th><th class="th">Carrier</th><th class="th">Price</th><th class="th">Status</th><th class="th"><span class="sr-only">Actions</span></th></tr></thead>
                      <tbody>
                        <For each={zone.rates}>
                          {(r) => (
                            <tr>
                              <td class="td font-bold">{r.name}</td>
                              <td class="td">{r.carrier}</td>
                              <td class="td mono">{r.type === "flat" ? money(r.amount, r.currency) : "by weight"}{r.freeAbove !== null ? ` · free above ${money(r.freeAbove, r.currency)}` : ""}</td>
                              <td class="td"><Badge tone={r.active ? "ok" : "muted"}>{r.active ? "active" : "off"}</Badge></td>
                              <td class="td text-right"><Confirm small label="Delete" title={`Delete rate ${r.name}?`} confirmLabel="Delete rate" consequence="Checkout stops offering this rate." onConfirm={async () => { await api.del(`/v1/admin/shipping-zones/${zone.id}/rates/${r.id}`); void refetch(); }} /></td>
                            </tr>
                          )}
                        </For>
                      </tbody>
                    </table>
                  </Show>
                  <AddRate zone={zone} currency={currency()} onChange={refetch} />
                </Section>
              )}
            </For>
          )}
        </Async>
      </div>
    </>
  );
}
