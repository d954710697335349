// Variants of an existing product: price, cost, SKU and on-hand stock per row (stock changes are recorded as
// "correction" adjustments, so the inventory history says who changed what), add and delete variants.
import { For, Show, createResource, createSignal } from "solid-js";
import { createStore } from "solid-js/store";
import { api } from "../../lib/api.ts";
import type { Product, StockLevel, Variant } from "../../lib/types.ts";
import { fromMinor, toMinor } from "../../lib/format.ts";
import { Confirm, ErrorBox, Section, notify, useAction } from "../../ui/kit.tsx";

function VariantRow(props: { productId: string; variant: Variant; currency: string; stock: StockLevel | undefined; onChange: () => void }) {
  const v = props.variant;
  const price = v.prices.find((p) => p.currency === props.currency);
  const [draft, setDraft] = createStore({
    sku: v.sku ?? "",
    price: price ? fromMinor(price.amount, props.currency) : "",
    cost: v.costPrice ? fromMinor(v.costPrice.amount, props.currency) : "",
    stock: String(props.stock?.onHand ?? 0),
  });
  const { busy, error, run } = useAction();
  const label = Object.values(v.options).join(" / ") || "Default";
  const save = () =>
    run(async () => {
      const amount = toMinor(draft.price, props.currency);
      if (amount === null || amount < 0) throw new Error(`Enter a valid price for ${label}`);
      const cost = draft.cost.trim() ? toMinor(draft.cost, props.currency) : null;
      if (draft.cost.trim() && (cost === null || cost < 0)) throw new Error(`The cost of ${label} is not a valid amount`);
      if (!/^\d+$/.test(draft.stock.trim())) throw new Error(`The stock of ${label} must be a whole number`);
      const prices = [...v.prices.filter((p) => p.currency !== props.currency).map((p) => ({ currency: p.currency, amount: p.amount })), { currency: props.currency, amount }];
      await api.patch(`/v1/admin/products/${props.productId}/variants/${v.id}`, { sku: draft.sku.trim() || null, prices, costPrice: cost });
      const delta = Number(draft.stock) - (props.stock?.onHand ?? 0);
      if (delta !== 0) await api.post("/v1/admin/inventory/adjustments", { variantId: v.id, delta, reason: "correction", note: "Edited in the dashboard" });
      notify(`Saved ${label}`);
      props.onChange();
    });
  return (
    <>
      <tr>
        <td class="td font-bold">{label}<div class="mono text-xs text-muted">{v.id}</div></td>
        <td class="td w-44"><input class="input mono" aria-label={`SKU of ${label}`} value={draft.sku} onInput={(e) => setDraft("sku", e.currentTarget.value)} /></td>
        <td class="td"><input class="input mono" inputmode="decimal" aria-label={`Price of ${label}`} value={draft.price} onInput={(e) => setDraft("price", e.currentTarget.value)} /></td>
        <td class="td"><input class="input mono" inputmode="decimal" aria-label={`Cost of ${label}`} value={draft.cost} onInput={(e) => setDraft("cost", e.currentTarget.value)} /></td>
        <td class="td">
          <input class="input mono" inputmode="numeric" aria-label={`Stock on hand of ${label}`} value={draft.stock} onInput={(e) => setDraft("stock", e.currentTarget.value)} />
          <div class="text-xs text-muted mt-1 mono">{props.stock ? `${props.stock.reserved} reserved · ${props.stock.available} available` : "not tracked"}</div>
        </td>
        <td class="td whitespace-nowrap">
          <button type="button" class="btn text-xs" disabled={busy()} onClick={save}>Save</button>{" "}
          <Confirm small label="Delete" title={`Delete variant ${label}?`} confirmLabel="Delete variant"
            consequence={`${label} can no longer be bought; its stock levels are removed. Orders that contain it keep their lines.`}
            onConfirm={async () => { await api.del(`/v1/admin/products/${props.productId}/variants/${v.id}`); notify(`Deleted ${label}`); props.onChange(); }} />
        </td>
      </tr>
      <Show when={error()}>
        <tr><td class="td" colSpan={6}><ErrorBox error={error()} /></td></tr>
      </Show>
    </>
  );
}

function AddVariant(props: { product: Product; currency: string; onChange: () => void }) {
  const [values, setValues] = createStore<Record<string, string>>(Object.fromEntries(props.product.options.map((o) => [o.name, o.values[0] ?? ""])));
  const [price, setPrice] = createSignal("");
  const [sku, setSku] = createSignal("");
  const { busy, error, run } = useAction();
  const add = (e: Event) => {
    e.preventDefault();
    return run(async () => {
      const amount = toMinor(price(), props.currency);
      if (amount === null || amount < 0) throw new Error("Enter a valid price");
      await api.post(`/v1/admin/products/${props.product.id}/variants`, { options: { ...values }, sku: sku().trim() || null, prices: [{ currency: props.currency, amount }] });
      notify("Variant added");
      props.onChange();
    });
  };
  return (
    <form onSubmit={add} class="flex flex-wrap gap-3 items-end mt-4 border-t border-line pt-4" aria-label="Add a variant">
      <For each={props.product.options}>
        {(o) => (
          <div>
            <label class="label" for={`nv-${o.name}`}>{o.name}</label>
            <select id={`nv-${o.name}`} class="input" value={values[o.name]} onChange={(e) => setValues(o.name, e.currentTarget.value)}>
              <For each={o.values}>{(v) => <option value={v} selected={v === values[o.name]}>{v}</option>}</For>
            </select>
          </div>
        )}
      </For>
      <div><label class="label" for="nv-sku">SKU</label><input id="nv-sku" class="input mono" value={sku()} onInput={(e) => setSku(e.currentTarget.value)} /></div>
      <div><label class="label" for="nv-price">Price ({props.currency})</label><input id="nv-price" class="input mono" inputmode="decimal" value={price()} onInput={(e) => setPrice(e.currentTarget.value)} /></div>
      <button type="submit" class="btn" disabled={busy()}>Add variant</button>
      <Show when={error()}><div class="w-full"><ErrorBox error={error()} /></div></Show>
    </form>
  );
}

export function VariantsEditor(props: { product: Product; currency: string; onChange: () => void }) {
  const [stock, { refetch }] = createResource(
    () => props.product.variants.map((v) => v.id),
    async (ids) => {
      const levels = await Promise.all(ids.map((id) => api.get<StockLevel>(`/v1/admin/inventory/variants/${id}`).catch(() => undefined)));
      return new Map(ids.map((id, i) => [id, levels[i]]));
    },
  );
  const changed = () => {
    props.onChange();
    void refetch();
  };
  return (
    <Section title={`Variants (${props.product.variants.length})`}>
      <Show when={stock()} fallback={<p role="status" class="text-muted text-sm">Loading stock…</p>}>
        <table>
          <thead><tr><th class="th">Variant</th><th class="th">SKU</th><th class="th">Price ({props.currency})</th><th class="th">Cost</th><th class="th">On hand</th><th class="th"><span class="sr-only">Actions</span></th></tr></thead>
          <tbody>
            <For each={props.product.variants}>{(v) => <VariantRow productId={props.product.id} variant={v} currency={props.currency} stock={stock()?.get(v.id)} onChange={changed} />}</For>
          </tbody>
        </table>
      </Show>
      <Show when={props.product.options.length > 0}>
        <AddVariant product={props.product} currency={props.currency} onChange={changed} />
      </Show>
    </Section>
  );
}
