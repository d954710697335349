// Product editor: /products/new creates the product with its options, generated variants (price, cost, SKU)
// and opening stock in one go; /products/:id edits the product, its variants and stock, and its media.
import { For, Show, createEffect, createMemo, createResource, createSignal } from "solid-js";
import { createStore, reconcile } from "solid-js/store";
import { useNavigate, useParams } from "@solidjs/router";
import { api, type Page } from "../../lib/api.ts";
import type { Category, Product, ProductStatus, Settings } from "../../lib/types.ts";
import { toMinor } from "../../lib/format.ts";
import { Async, Confirm, ErrorBox, PageHeader, Section, SelectField, TextField, notify, useAction } from "../../ui/kit.tsx";
import { VariantsEditor } from "./Variants.tsx";
import { MediaEditor } from "./Media.tsx";

interface OptionDraft {
  name: string;
  values: string;
}
interface RowDraft {
  sku: string;
  price: string;
  cost: string;
  stock: string;
}

const splitValues = (s: string) => [...new Set(s.split(",").map((v) => v.trim()).filter(Boolean))];

function combinations(options: { name: string; values: string[] }[]): Record<string, string>[] {
  let out: Record<string, string>[] = [{}];
  for (const o of options) out = out.flatMap((acc) => o.values.map((v) => ({ ...acc, [o.name]: v })));
  return out;
}

const keyOf = (combo: Record<string, string>) => Object.values(combo).join(" / ") || "Default";

export function ProductEdit() {
  const params = useParams();
  const isNew = () => !params.id || params.id === "new";
  const [settings] = createResource(() => api.get<Settings>("/v1/admin/settings"));
  const [categories] = createResource(() => api.get<Page<Category>>("/v1/admin/categories", { limit: 100 }));
  const [product, { refetch, mutate }] = createResource(
    () => (isNew() ? null : params.id),
    (id) => api.get<Product>(`/v1/admin/products/${id}`),
  );
  const currency = () => settings()?.defaultCurrency ?? "EUR";
  const title = () => (isNew() ? "New product" : product()?.title ?? "Product");

  return (
    <>
      <PageHeader crumbs={[{ label: "Catalog", href: "/products" }, { label: "Products", href: "/products" }, { label: title() }]} title={title()} />
      <div class="p-6 max-w-5xl">
        <Show when={isNew()} fallback={
          <Async data={product} retry={refetch}>
            {(p) => (
              <>
                <ProductForm product={p} categories={categories()?.data ?? []} currency={currency()} onSaved={(np) => mutate(np)} />
                <VariantsEditor product={p} currency={currency()} onChange={refetch} />
                <MediaEditor product={p} onChange={refetch} />
                <DangerZone product={p} />
              </>
            )}
          </Async>
        }>
          <Show when={settings()} fallback={<Show when={settings.error} fallback={<p role="status" class="text-muted">Loading…</p>}><ErrorBox error={settings.error} /></Show>}>
            <ProductForm product={null} categories={categories()?.data ?? []} currency={currency()} onSaved={() => {}} />
          </Show>
        </Show>
      </div>
    </>
  );
}

function ProductForm(props: { product: Product | null; categories: Category[]; currency: string; onSaved: (p: Product) => void }) {
  const navigate = useNavigate();
  const p = props.product;
  const [form, setForm] = createStore({
    title: p?.title ?? "",
    handle: p?.handle ?? "",
    description: p?.description ?? "",
    status: (p?.status ?? "draft") as ProductStatus,
    vendor: p?.vendor ?? "",
    taxCategory: p?.taxCategory ?? "standard",
    categoryIds: p?.categories.map((c) => c.id) ?? ([] as string[]),
  });
  const [options, setOptions] = createStore<OptionDraft[]>(p?.options.map((o) => ({ name: o.name, values: o.values.join(", ") })) ?? []);
  const [rows, setRows] = createStore<Record<string, RowDraft>>({});
  const parsedOptions = createMemo(() => options.filter((o) => o.name.trim()).map((o) => ({ name: o.name.trim(), values: splitValues(o.values) })).filter((o) => o.values.length > 0));
  const combos = createMemo(() => combinations(parsedOptions()));
  createEffect(() => {
    if (props.product) return;
    const next: Record<string, RowDraft> = {};
    for (const c of combos()) next[keyOf(c)] = rows[keyOf(c)] ?? { sku: "", price: "", cost: "", stock: "0" };
    setRows(reconcile(next));
  });
  const { busy, error, run } = useAction();
  const [problem, setProblem] = createSignal<string | null>(null);

  const body = () => ({
    title: form.title.trim(),
    ...(form.handle.trim() ? { handle: form.handle.trim() } : {}),
    description: form.description,
    status: form.status,
    vendor: form.vendor.trim() || null,
    taxCategory: form.taxCategory,
    categoryIds: form.categoryIds,
    options: parsedOptions(),
  });

  const submit = async (e: Event) => {
    e.preventDefault();
    setProblem(null);
    if (props.product) {
      const ok = await run(async () => props.onSaved(await api.patch<Product>(`/v1/admin/products/${props.product!.id}`, body())));
      if (ok) notify("Product saved");
      return;
    }
    const variants: Record<string, unknown>[] = [];
    for (const c of combos()) {
      const r = rows[keyOf(c)]!;
      const price = toMinor(r.price, props.currency);
      if (price === null || price < 0) return setProblem(`Enter a price for ${keyOf(c)}`);
      const cost = r.cost.trim() ? toMinor(r.cost, props.currency) : null;
      if (r.cost.trim() && (cost === null || cost < 0)) return setProblem(`The cost of ${keyOf(c)} is not a valid amount`);
      if (!/^\d+$/.test(r.stock.trim() || "0")) return setProblem(`The stock of ${keyOf(c)} must be a whole number`);
      variants.push({ options: c, sku: r.sku.trim() || null, prices: [{ currency: props.currency, amount: price }], costPrice: cost, trackInventory: true });
    }
    const ok = await run(async () => {
      const created = await api.post<Product>("/v1/admin/products", { ...body(), variants });
      // Opening stock: one "received" adjustment per variant at the default location.
      for (const v of created.variants) {
        const qty = Number(rows[keyOf(v.options)]?.stock || 0);
        if (qty > 0) await api.post("/v1/admin/inventory/adjustments", { variantId: v.id, delta: qty, reason: "received", note: "Opening stock" });
      }
      notify(`Created ${created.title}`);
      navigate(`/products/${created.id}`);
    });
    void ok;
  };

  return (
    <form onSubmit={submit} aria-label={props.product ? "Product details" : "New product"}>
      <Section title="Details">
        <div class="grid grid-cols-2 gap-4">
          <TextField label="Title" name="title" required maxLength={200} value={form.title} onInput={(e) => setForm("title", e.currentTarget.value)} />
          <TextField label="Handle" name="handle" hint="URL name; generated from the title when empty" value={form.handle} onInput={(e) => setForm("handle", e.currentTarget.value)} />
          <div class="col-span-2">
            <label class="label" for="product-description">Description</label>
            <textarea id="product-description" class="input h-24" value={form.description} onInput={(e) => setForm("description", e.currentTarget.value)} />
          </div>
          <SelectField label="Status" name="status" value={form.status} onChange={(e) => setForm("status", e.currentTarget.value as ProductStatus)}
            options={[{ value: "draft", label: "Draft (hidden)" }, { value: "active", label: "Active (on sale)" }, { value: "archived", label: "Archived" }]} />
          <SelectField label="Tax category" name="taxCategory" value={form.taxCategory} onChange={(e) => setForm("taxCategory", e.currentTarget.value as "standard")}
            options={[{ value: "standard", label: "Standard" }, { value: "reduced", label: "Reduced" }, { value: "zero", label: "Zero" }]} />
          <TextField label="Vendor" name="vendor" value={form.vendor} onInput={(e) => setForm("vendor", e.currentTarget.value)} />
          <fieldset class="border border-line p-2 m-0">
            <legend class="label px-1">Categories</legend>
            <Show when={props.categories.length > 0} fallback={<p class="text-xs text-muted m-0">No categories yet.</p>}>
              <div class="flex flex-wrap gap-3">
                <For each={props.categories}>
                  {(c) => (
                    <label class="flex items-center gap-1 text-sm">
                      <input type="checkbox" checked={form.categoryIds.includes(c.id)}
                        onChange={(e) => setForm("categoryIds", e.currentTarget.checked ? [...form.categoryIds, c.id] : form.categoryIds.filter((x) => x !== c.id))} />
                      {c.name}
                    </label>
                  )}
                </For>
              </div>
            </Show>
          </fieldset>
        </div>
      </Section>
      <Section title="Options" actions={<button type="button" class="btn text-xs" onClick={() => setOptions(options.length, { name: "", values: "" })}>Add option</button>}>
        <Show when={options.length > 0} fallback={<p class="text-sm text-muted m-0">No options: the product has a single variant. Add an option (Size, Colour…) to sell variants.</p>}>
          <For each={options}>
            {(o, i) => (
              <div class="grid gap-3 mb-3 items-end" style={{ "grid-template-columns": "1fr 2fr auto" }}>
                <TextField label={`Option ${i() + 1} name`} value={o.name} placeholder="Size" onInput={(e) => setOptions(i(), "name", e.currentTarget.value)} />
                <TextField label={`Option ${i() + 1} values`} hint="Comma-separated" value={o.values} placeholder="S, M, L" onInput={(e) => setOptions(i(), "values", e.currentTarget.value)} />
                <button type="button" class="btn" aria-label={`Remove option ${i() + 1}`} onClick={() => setOptions((arr) => arr.filter((_, j) => j !== i()))}>Remove</button>
              </div>
            )}
          </For>
        </Show>
      </Section>
      <Show when={!props.product}>
        <Section title={`Variants (${combos().length})`}>
          <table>
            <thead><tr><th class="th">Variant</th><th class="th">SKU</th><th class="th">Price ({props.currency})</th><th class="th">Cost ({props.currency})</th><th class="th">Stock</th></tr></thead>
            <tbody>
              <For each={combos()}>
                {(c) => {
                  const k = keyOf(c);
                  return (
                    <tr>
                      <td class="td font-bold">{k}</td>
                      <td class="td"><input class="input mono" aria-label={`SKU of ${k}`} value={rows[k]?.sku ?? ""} onInput={(e) => setRows(k, "sku", e.currentTarget.value)} /></td>
                      <td class="td"><input class="input mono" inputmode="decimal" required aria-label={`Price of ${k}`} placeholder="0.00" value={rows[k]?.price ?? ""} onInput={(e) => setRows(k, "price", e.currentTarget.value)} /></td>
                      <td class="td"><input class="input mono" inputmode="decimal" aria-label={`Cost of ${k}`} placeholder="optional" value={rows[k]?.cost ?? ""} onInput={(e) => setRows(k, "cost", e.currentTarget.value)} /></td>
                      <td class="td"><input class="input mono" inputmode="numeric" aria-label={`Stock of ${k}`} value={rows[k]?.stock ?? "0"} onInput={(e) => setRows(k, "stock", e.currentTarget.value)} /></td>
                    </tr>
                  );
                }}
              </For>
            </tbody>
          </table>
        </Section>
      </Show>
      <Show when={problem()}><p role="alert" class="text-err font-bold">{problem()}</p></Show>
      <Show when={error()}><div class="mb-4"><ErrorBox error={error()} /></div></Show>
      <div class="flex gap-2 mb-6">
        <button type="submit" class="btn-primary" disabled={busy()}>{busy() ? "Saving…" : props.product ? "Save product" : "Create product"}</button>
      </div>
    </form>
  );
}

function DangerZone(props: { product: Product }) {
  const navigate = useNavigate();
  return (
    <Section title="Danger zone">
      <div class="flex items-center justify-between">
        <p class="m-0 text-sm text-muted">Deleting removes the product, its variants and media from the store and the storefront. Archive it instead to keep its history.</p>
        <Confirm label="Delete product" title={`Delete ${props.product.title}?`} confirmLabel="Delete product"
          consequence={`${props.product.title} and its ${props.product.variants.length} variant(s) disappear from the storefront and the catalog. This cannot be undone.`}
          onConfirm={async () => { await api.del(`/v1/admin/products/${props.product.id}`); notify("Product deleted"); navigate("/products"); }} />
      </div>
    </Section>
  );
}
