// The product grid: published products in the merchant's order, 24 at a time; "Show more" follows nextCursor and
// appends, announcing how many are shown. Prices in the store's currency, from the cheapest variant.
import { For, Show, createSignal, onMount } from "solid-js";
import { A } from "@solidjs/router";
import { api } from "../lib/api.ts";
import { profile, useTitle } from "../lib/shop.ts";
import type { Money, Page, Product } from "../lib/types.ts";
import { ErrorAlert, Loading, Price } from "../ui/kit.tsx";

const PAGE_SIZE = 24;

/** The cheapest variant's price in the currency (integer comparison), whether prices differ, and its compare-at. */
function priceOf(p: Product, currency: string): { price: Money | null; compareAt: Money | null; from: boolean } {
  let best: { price: Money; compareAt: Money | null } | null = null;
  const amounts = new Set<number>();
  for (const v of p.variants) {
    const price = v.prices.find((m) => m.currency === currency);
    if (!price) continue;
    amounts.add(price.amount);
    if (!best || price.amount < best.price.amount) best = { price, compareAt: v.compareAtPrices.find((m) => m.currency === currency) ?? null };
  }
  return { price: best?.price ?? null, compareAt: best?.compareAt ?? null, from: amounts.size > 1 };
}

export function Home() {
  useTitle(() => null);
  const [products, setProducts] = createSignal<Product[]>([]);
  const [cursor, setCursor] = createSignal<string | null>(null);
  const [loading, setLoading] = createSignal(true);
  const [error, setError] = createSignal<unknown>(null);

  const load = async (after: string | null) => {
    setLoading(true);
    setError(null);
    try {
      const page = await api.get<Page<Product>>("/v1/store/products", { limit: PAGE_SIZE, cursor: after });
      setProducts((list) => [...list, ...page.data]);
      setCursor(page.nextCursor);
    } catch (e) {
      setError(e);
    } finally {
      setLoading(false);
    }
  };
  onMount(() => void load(null));
  const currency = () => profile()?.defaultCurrency ?? "EUR";

  return (
    <>
      <h1 class="text-3xl font-bold mt-0 mb-2">All products</h1>
      <p class="text-muted mt-0 mb-8" role="status">
        <Show when={!loading() || products().length > 0} fallback="Loading products…">
          {products().length === 1 ? "1 product" : `${products().length} products`}
          {cursor() ? " shown" : ""}
        </Show>
      </p>
      <Show when={products().length > 0}>
        <ul class="grid gap-6 list-none m-0 p-0 grid-cols-[repeat(auto-fill,minmax(220px,1fr))]">
          <For each={products()}>
            {(p) => {
              const shown = () => priceOf(p, currency());
              const image = p.media[0];
              return (
                <li class="card overflow-hidden flex flex-col">
                  <A href={`/products/${p.handle}`} class="no-underline text-ink flex flex-col h-full group">
                    <div class="aspect-square bg-soft">
                      <Show when={image}>
                        <img src={image!.url} alt={image!.alt} loading="lazy" class="w-full h-full object-cover" />
                      </Show>
                    </div>
                    <div class="p-4 flex flex-col gap-1">
                      <Show when={p.vendor}>
                        <p class="m-0 text-sm text-muted">{p.vendor}</p>
                      </Show>
                      <h2 class="m-0 text-base font-semibold group-hover:underline">{p.title}</h2>
                      <Price price={shown().price} compareAt={shown().compareAt} from={shown().from} />
                    </div>
                  </A>
                </li>
              );
            }}
          </For>
        </ul>
      </Show>
      <Show when={!loading() && !error() && products().length === 0}>
        <p>This shop has no products for sale yet. Come back soon.</p>
      </Show>
      <Show when={error()}>
        <ErrorAlert error={error()}>
          <button type="button" class="btn mt-3" onClick={() => void load(cursor())}>Try again</button>
        </ErrorAlert>
      </Show>
      <Show when={loading() && products().length === 0 && !error()}>
        <Loading label="Loading products…" />
      </Show>
      <Show when={cursor() && !error()}>
        <div class="mt-10 text-center">
          <button type="button" class="btn" disabled={loading()} onClick={() => void load(cursor())}>
            {loading() ? "Loading…" : "Show more products"}
          </button>
        </div>
      </Show>
    </>
  );
}
