// Taxes: whether prices include tax, and the tax zones with their rates per category.
import { For, Show, createResource, createSignal } from "solid-js";
import { api, type Page } from "../../lib/api.ts";
import type { TaxSettings, TaxZone } from "../../lib/types.ts";
import { Async, Confirm, Empty, ErrorBox, PageHeader, Section, TextField, notify, useAction } from "../../ui/kit.tsx";

export function Taxes() {
  const [settings, { refetch: refetchSettings, mutate }] = createResource(() => api.get<TaxSettings>("/v1/admin/tax-settings"));
  const [zones, { refetch }] = createResource(() => api.get<Page<TaxZone>>("/v1/admin/tax-zones", { limit: 100 }));
  const [name, setName] = createSignal("");
  const [country, setCountry] = createSignal("");
  const [rate, setRate] = createSignal("");
  const { busy, error, run } = useAction();
  const toggle = (v: boolean) => run(async () => { mutate(await api.patch<TaxSettings>("/v1/admin/tax-settings", { pricesIncludeTax: v })); notify("Tax settings saved"); });
  const create = async (e: Event) => {
    e.preventDefault();
    const rates = rate().trim() ? [{ category: "standard", rate: rate().trim() }] : [];
    if (await run(() => api.post("/v1/admin/tax-zones", { name: name().trim(), countryCode: country().trim().toUpperCase(), rates }))) {
      notify(`Created ${name()}`);
      setName(""); setCountry(""); setRate("");
      void refetch();
    }
  };
  return (
    <>
      <PageHeader crumbs={[{ label: "Settings", href: "/settings" }, { label: "Taxes" }]} title="Taxes" />
      <div class="p-6 max-w-4xl">
        <Section title="Prices">
          <Async data={settings} retry={refetchSettings}>
            {(s) => (
              <label class="flex items-center gap-2">
                <input type="checkbox" checked={s.pricesIncludeTax} onChange={(e) => toggle(e.currentTarget.checked)} />
                Prices include tax (typical in the EU); unticked, tax is added at checkout.
              </label>
            )}
          </Async>
        </Section>
        <Section title="New tax zone">
          <form onSubmit={create} class="grid grid-cols-4 gap-3 items-end" aria-label="New tax zone">
            <TextField label="Name" required value={name()} onInput={(e) => setName(e.currentTarget.value)} placeholder="France" />
            <TextField label="Country code" required maxLength={2} value={country()} onInput={(e) => setCountry(e.currentTarget.value)} placeholder="FR" />
            <TextField label="Standard rate (%)" value={rate()} onInput={(e) => setRate(e.currentTarget.value)} placeholder="20" />
            <button type="submit" class="btn-primary" disabled={busy()}>Add zone</button>
          </form>
          <Show when={error()}><div class="mt-3"><ErrorBox error={error()} /></div></Show>
        </Section>
        <Async data={zones} retry={refetch} empty={(z) => z.data.length === 0} emptyView={<Empty title="No tax zones">Add a zone for each country you sell to; orders to other countries are not taxed.</Empty>}>
          {(z) => (
            <div class="panel">
              <table>
                <thead><tr><th class="th">Zone</th><th class="th">Country</th><th class="th">Rates</th><th class="th"><span class="sr-only">Actions</span></th></tr></thead>
                <tbody>
                  <For each={z.data}>
                    {(zone) => (
                      <tr>
                        <td class="td font-bold">{zone.name}</td>
                        <td class="td mono">{zone.countryCode}{zone.region ? `-${zone.region}` : ""}</td>
                        <td class="td mono text-xs">{zone.rates.map((r) => `${r.category} ${r.rate}%`).join(" · ") || "—"}</td>
                        <td class="td text-right">
                          <Confirm small label="Delete" title={`Delete ${zone.name}?`} confirmLabel="Delete zone" consequence={`Orders shipped to ${zone.countryCode} will no longer be taxed by this zone.`}
                            onConfirm={async () => { await api.del(`/v1/admin/tax-zones/${zone.id}`); void refetch(); }} />
                        </td>
                      </tr>
                    )}
                  </For>
                </tbody>
              </table>
            </div>
          )}
        </Async>
      </div>
    </>
  );
}
