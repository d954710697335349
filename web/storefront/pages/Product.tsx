// A product: media, description, the variant picker (one radio group per option), price and stock of the chosen
// variant, quantity and "Add to cart". Stock comes from GET /v1/store/stock as advice; the cart checks it again on
// every add (409 cart.insufficient_stock says how many are left, which this page then shows).
import { For, Match, Show, Switch, createMemo, createResource, createSignal, createUniqueId } from "solid-js";
import { A, useParams } from "@solidjs/router";
import { ApiError, api, describe, detailNumber } from "../lib/api.ts";
import { addToCart, cart } from "../lib/cart.ts";
import { profile, useTitle } from "../lib/shop.ts";
import type { Product as ProductView, Stock, Variant } from "../lib/types.ts";
import { ErrorAlert, Field, Loading, Price } from "../ui/kit.tsx";
import { NotFound } from "./NotFound.tsx";

async function loadProduct(handle: string): Promise<{ product: ProductView; stock: Map<string, Stock> } | null> {
  let product: ProductView;
  try {
    product = await api.get<ProductView>(`/v1/store/products/${encodeURIComponent(handle)}`);
  } catch (e) {
    if (e instanceof ApiError && e.status === 404) return null;
    throw e;
  }
  const stock = new Map<string, Stock>();
  if (product.variants.length > 0) {
    // Advice only: without it the page still sells (the cart checks stock), so a failure here is not the page's.
    const s = await api.get<{ data: Stock[] }>("/v1/store/stock", { variantIds: product.variants.map((v) => v.id).join(",") }).catch(() => null);
    for (const x of s?.data ?? []) stock.set(x.variantId, x);
  }
  return { product, stock };
}

const STOCK_WORDS: Record<Stock["status"], string> = {
  in_stock: "In stock",
  low_stock: "Low stock",
  out_of_stock: "Out of stock",
  backorder: "Available to order: ships when back in stock",
};

export function ProductPage() {
  const params = useParams<{ handle: string }>();
  const [data, { refetch }] = createResource(() => params.handle, loadProduct);
  // `latest` keeps the page while the stock is read again (after a 409), so the buyer's choices and message stay.
  useTitle(() => (data.error ? null : data.latest === null ? "Product not found" : (data.latest?.product.title ?? null)));
  return (
    <Switch fallback={<Loading label="Loading product…" />}>
      <Match when={data.error}>
        <ErrorAlert error={data.error}>
          <button type="button" class="btn mt-3" onClick={() => void refetch()}>Try again</button>
        </ErrorAlert>
      </Match>
      <Match when={data.latest === null}>
        <NotFound what="product" />
      </Match>
      <Match when={data.latest}>{(d) => <ProductDetail product={d().product} stock={d().stock} onStockChanged={() => void refetch()} />}</Match>
    </Switch>
  );
}

function ProductDetail(props: { product: ProductView; stock: Map<string, Stock>; onStockChanged: () => void }) {
  const p = props.product;
  const currency = () => profile()?.defaultCurrency ?? "EUR";
  const sellable = (v: Variant) => props.stock.get(v.id)?.status !== "out_of_stock";
  // Start on the first variant that can be bought, so the page opens on something the buyer can add.
  const first = p.variants.find(sellable) ?? p.variants[0];
  const [choice, setChoice] = createSignal<Record<string, string>>({ ...(first?.options ?? {}) });
  const [variantId, setVariantId] = createSignal<string | undefined>(first?.id);
  const variant = createMemo<Variant | undefined>(() => {
    if (p.options.length === 0) return p.variants.find((v) => v.id === variantId());
    const c = choice();
    return p.variants.find((v) => p.options.every((o) => v.options[o.name] === c[o.name]));
  });
  const stock = () => (variant() ? props.stock.get(variant()!.id) : undefined);
  const price = () => variant()?.prices.find((m) => m.currency === currency()) ?? null;
  const compareAt = () => variant()?.compareAtPrices.find((m) => m.currency === currency()) ?? null;
  const maxQty = () => (stock()?.status === "low_stock" && stock()!.available ? stock()!.available! : 10_000);

  const [image, setImage] = createSignal(0);
  const [quantity, setQuantity] = createSignal("1");
  const [busy, setBusy] = createSignal(false);
  const [error, setError] = createSignal<unknown>(null);
  const [added, setAdded] = createSignal<string | null>(null);
  const qtyNumber = () => Number(quantity());
  const qtyValid = () => Number.isInteger(qtyNumber()) && qtyNumber() >= 1 && qtyNumber() <= maxQty();

  const stockMessage = (e: unknown): string => {
    const available = detailNumber(e, "available");
    if (available === null) return describe(e);
    const inCart = cart()?.lines.find((l) => l.variantId === variant()?.id)?.quantity ?? 0;
    if (available === 0) return "Sorry, this is now out of stock.";
    return `Sorry, only ${available} left${inCart > 0 ? `, and your cart already has ${inCart}` : ""}. Choose a smaller quantity.`;
  };

  const add = async (ev: SubmitEvent) => {
    ev.preventDefault();
    const v = variant();
    if (!v || !qtyValid()) return;
    setBusy(true);
    setError(null);
    setAdded(null);
    try {
      await addToCart(v.id, qtyNumber());
      setAdded(`Added ${qtyNumber()} × ${v.title} to your cart.`);
    } catch (e) {
      setError(e);
      if (e instanceof ApiError && e.reason === "cart.insufficient_stock") props.onStockChanged();
    } finally {
      setBusy(false);
    }
  };

  const qtyError = () => (qtyValid() ? null : maxQty() < 10_000 ? `Choose between 1 and ${maxQty()}.` : "Choose a whole number, 1 or more.");
  const media = () => p.media;

  return (
    <article class="grid gap-10 md:grid-cols-2">
      <section aria-label="Images">
        <div class="aspect-square bg-soft rounded-xl overflow-hidden">
          <Show when={media()[image()]} fallback={<div class="w-full h-full" />}>
            {(m) => <img src={m().url} alt={m().alt} class="w-full h-full object-cover" />}
          </Show>
        </div>
        <Show when={media().length > 1}>
          <ul class="flex gap-2 mt-3 list-none p-0 m-0">
            <For each={media()}>
              {(m, i) => (
                <li>
                  <button type="button" class="w-16 h-16 rounded-lg overflow-hidden border-2 p-0 cursor-pointer bg-soft"
                    classList={{ "border-ink": image() === i(), "border-transparent": image() !== i() }}
                    aria-pressed={image() === i()} aria-label={`Show image ${i() + 1} of ${media().length}: ${m.alt}`} onClick={() => setImage(i())}>
                    <img src={m.url} alt="" class="w-full h-full object-cover" />
                  </button>
                </li>
              )}
            </For>
          </ul>
        </Show>
      </section>

      <section aria-labelledby="product-title">
        <Show when={p.vendor}>
          <p class="m-0 text-muted">{p.vendor}</p>
        </Show>
        <h1 id="product-title" class="text-3xl font-bold mt-1 mb-3">{p.title}</h1>
        <Show when={variant()} fallback={<p class="alert-warn">{p.variants.length === 0 ? "This product is not available yet." : "This combination is not available. Choose other options."}</p>}>
          <Price price={price()} compareAt={compareAt()} class="text-2xl" />
          <p class="mt-2 mb-0 text-sm" classList={{ "text-err": stock()?.status === "out_of_stock", "text-ok": stock()?.status === "in_stock" || stock()?.status === "low_stock" }}>
            <Show when={stock()} fallback={<span class="text-muted">Stock is checked when you add it to your cart.</span>}>
              {(s) => (s().status === "low_stock" && s().available ? `Only ${s().available} left` : STOCK_WORDS[s().status])}
            </Show>
          </p>
        </Show>

        <form class="mt-6 flex flex-col gap-5" onSubmit={add}>
          <For each={p.options}>
            {(o) => (
              <fieldset class="m-0 p-0">
                <legend class="label">{o.name}</legend>
                <div class="flex flex-wrap gap-2">
                  <For each={o.values}>
                    {(value) => (
                      <label class="pill">
                        <input type="radio" name={`option-${o.name}`} value={value} checked={choice()[o.name] === value}
                          onChange={() => { setChoice({ ...choice(), [o.name]: value }); setAdded(null); setError(null); }} />
                        <span>{value}</span>
                      </label>
                    )}
                  </For>
                </div>
              </fieldset>
            )}
          </For>
          <Show when={p.options.length === 0 && p.variants.length > 1}>
            <VariantSelect variants={p.variants} value={variantId()} onChange={setVariantId} />
          </Show>
          <Field label="Quantity" type="number" inputmode="numeric" min="1" max={String(maxQty())} step="1" value={quantity()} class="max-w-32"
            onInput={(e) => setQuantity(e.currentTarget.value)} error={qtyError()} />
          <div>
            <button type="submit" class="btn-primary" disabled={busy() || !variant() || stock()?.status === "out_of_stock" || !price()}>
              {stock()?.status === "out_of_stock" ? "Out of stock" : busy() ? "Adding…" : "Add to cart"}
            </button>
          </div>
        </form>
        <div role="status" class="mt-4">
          <Show when={added()}>
            <div class="alert-ok">
              <p class="m-0">{added()}</p>
              <p class="m-0 mt-2 flex gap-4">
                <A href="/cart" class="link">View cart</A>
                <A href="/checkout" class="link">Check out</A>
              </p>
            </div>
          </Show>
        </div>
        <Show when={error()}>
          <ErrorAlert error={error()} message={error() instanceof ApiError && (error() as ApiError).reason === "cart.insufficient_stock" ? stockMessage(error()) : undefined} />
        </Show>
        <Show when={p.description}>
          <h2 class="text-lg font-semibold mt-8 mb-2">Description</h2>
          <div class="prose text-ink" innerHTML={p.description} />
        </Show>
      </section>
    </article>
  );
}

function VariantSelect(props: { variants: Variant[]; value: string | undefined; onChange: (id: string) => void }) {
  const id = createUniqueId();
  return (
    <div>
      <label class="label" for={id}>Option</label>
      <select id={id} class="input max-w-sm" onChange={(e) => props.onChange(e.currentTarget.value)}>
        <For each={props.variants}>{(v) => <option value={v.id} selected={v.id === props.value}>{v.title}</option>}</For>
      </select>
    </div>
  );
}
