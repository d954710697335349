// Products: search, status filter, paged table ("Load more" follows the cursor).
import { For, Show, createSignal } from "solid-js";
import { A, useSearchParams } from "@solidjs/router";
import { createPagedList } from "../../lib/paged.ts";
import type { Product } from "../../lib/types.ts";
import { money, when } from "../../lib/format.ts";
import { Async, Badge, Empty, PageHeader, type Tone } from "../../ui/kit.tsx";
import { createSort } from "../../ui/sort.tsx";

export const statusTone: Record<string, Tone> = { active: "ok", draft: "warn", archived: "muted" };

const lowestPrice = (p: Product) => Math.min(...p.variants.map((v) => v.prices[0]?.amount ?? Infinity));

function priceRange(p: Product): string {
  const amounts = p.variants.flatMap((v) => v.prices.slice(0, 1));
  if (amounts.length === 0) return "—";
  const cur = amounts[0]!.currency;
  const vals = amounts.filter((a) => a.currency === cur).map((a) => a.amount);
  const lo = Math.min(...vals), hi = Math.max(...vals);
  return lo === hi ? money(lo, cur) : `${money(lo, cur)} – ${money(hi, cur)}`;
}

export function ProductList() {
  const [params, setParams] = useSearchParams();
  const [q, setQ] = createSignal(typeof params.q === "string" ? params.q : "");
  const status = () => (typeof params.status === "string" ? params.status : "");
  const filters = () => ({ q: typeof params.q === "string" ? params.q : "", status: status() });
  const { page, refetch, cursor, more, rows } = createPagedList<Product, ReturnType<typeof filters>>("/v1/admin/products", filters);
  let timer: ReturnType<typeof setTimeout> | undefined;
  const onSearch = (v: string) => {
    setQ(v);
    clearTimeout(timer);
    timer = setTimeout(() => setParams({ q: v || undefined }), 250);
  };
  const filtered = () => Boolean(params.q || status());
  const { sorted, Th } = createSort(rows, {
    title: (p) => p.title.toLowerCase(), status: (p) => p.status, variants: (p) => p.variants.length, price: lowestPrice, updated: (p) => p.updatedAt,
  });

  return (
    <>
      <PageHeader crumbs={[{ label: "Catalog", href: "/products" }, { label: "Products" }]} title="Products" actions={<A href="/products/new" class="btn-primary no-underline">New product</A>}>
        <form role="search" class="flex gap-3 mt-4" onSubmit={(e) => { e.preventDefault(); setParams({ q: q() || undefined }); }}>
          <div class="flex-1">
            <label class="label" for="product-search">Search</label>
            <input id="product-search" type="search" class="input" placeholder="Title, handle or SKU" value={q()} onInput={(e) => onSearch(e.currentTarget.value)} />
          </div>
          <div class="w-48">
            <label class="label" for="product-status">Status</label>
            <select id="product-status" class="input" value={status()} onChange={(e) => setParams({ status: e.currentTarget.value || undefined })}>
              <option value="">All</option>
              <option value="active">Active</option>
              <option value="draft">Draft</option>
              <option value="archived">Archived</option>
            </select>
          </div>
        </form>
      </PageHeader>
      <div class="p-6">
        <Async
          data={page}
          retry={refetch}
          empty={(p) => p.data.length === 0}
          emptyView={
            <Show when={filtered()} fallback={<Empty title="No products yet"><A href="/products/new" class="link-lime">Create your first product</A> with its variants, prices and stock.</Empty>}>
              <Empty title="No product matches">Change the search or the status filter.</Empty>
            </Show>
          }
        >
          {() => (
            <div class="panel">
              <table>
                <thead>
                  <tr><Th key="title">Product</Th><Th key="status">Status</Th><Th key="variants">Variants</Th><Th key="price">Price</Th><Th key="updated">Updated</Th></tr>
                </thead>
                <tbody>
                  <For each={sorted()}>
                    {(prod) => (
                      <tr class="hover:bg-panel">
                        <td class="td">
                          <A href={`/products/${prod.id}`} class="text-fg font-bold no-underline hover:text-lime">{prod.title}</A>
                          <div class="mono text-xs text-muted">{prod.handle}</div>
                        </td>
                        <td class="td"><Badge tone={statusTone[prod.status] ?? "muted"}>{prod.status}</Badge></td>
                        <td class="td mono">{prod.variants.length}</td>
                        <td class="td mono">{priceRange(prod)}</td>
                        <td class="td text-muted">{when(prod.updatedAt)}</td>
                      </tr>
                    )}
                  </For>
                </tbody>
              </table>
              <Show when={cursor()}>
                <div class="p-3 border-t border-line"><button type="button" class="btn" onClick={more}>Load more</button></div>
              </Show>
            </div>
          )}
        </Async>
      </div>
    </>
  );
}
