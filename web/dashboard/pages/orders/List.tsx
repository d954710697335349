// Orders: newest first, filtered by status or buyer e-mail, paged with "Load more".
import { For, Show } from "solid-js";
import { A, useSearchParams } from "@solidjs/router";
import { createPagedList } from "../../lib/paged.ts";
import type { OrderSummary } from "../../lib/types.ts";
import { money, when } from "../../lib/format.ts";
import { Async, Badge, Empty, PageHeader, type Tone } from "../../ui/kit.tsx";
import { createSort } from "../../ui/sort.tsx";

export const orderTone: Record<string, Tone> = {
  pending: "warn", paid: "lime", partially_fulfilled: "warn", fulfilled: "ok", cancelled: "muted", partially_refunded: "warn", refunded: "err",
};

export function OrderList() {
  const [params, setParams] = useSearchParams();
  const str = (v: unknown) => (typeof v === "string" ? v : "");
  const filters = () => ({ status: str(params.status), email: str(params.email) });
  const { page, refetch, cursor, more, rows } = createPagedList<OrderSummary, ReturnType<typeof filters>>("/v1/admin/orders", filters);
  const { sorted, Th } = createSort(rows, {
    number: (o) => o.number, date: (o) => o.createdAt, buyer: (o) => o.email, status: (o) => o.status, total: (o) => o.total.amount,
  });
  return (
    <>
      <PageHeader crumbs={[{ label: "Orders" }]} title="Orders">
        <form role="search" class="flex gap-3 mt-4" onSubmit={(e) => { e.preventDefault(); const fd = new FormData(e.currentTarget); setParams({ email: String(fd.get("email") || "") || undefined }); }}>
          <div class="flex-1"><label class="label" for="order-email">Buyer e-mail</label><input id="order-email" name="email" type="search" class="input" value={str(params.email)} /></div>
          <div class="w-56">
            <label class="label" for="order-status">Status</label>
            <select id="order-status" class="input" value={str(params.status)} onChange={(e) => setParams({ status: e.currentTarget.value || undefined })}>
              <option value="">All</option>
              <option value="paid">Paid (to fulfil)</option>
              <option value="pending">Pending payment</option>
              <option value="partially_fulfilled">Partially fulfilled</option>
              <option value="fulfilled">Fulfilled</option>
              <option value="partially_refunded">Partially refunded</option>
              <option value="refunded">Refunded</option>
              <option value="cancelled">Cancelled</option>
            </select>
          </div>
          <div class="flex items-end"><button type="submit" class="btn">Search</button></div>
        </form>
      </PageHeader>
      <div class="p-6">
        <Async data={page} retry={refetch} empty={(p) => p.data.length === 0}
          emptyView={<Empty title={params.status || params.email ? "No order matches" : "No orders yet"}>{params.status || params.email ? "Change the filters." : "Orders placed on your storefront or through the store API appear here."}</Empty>}>
          {() => (
            <div class="panel">
              <table>
                <thead><tr><Th key="number">Order</Th><Th key="date">Date</Th><Th key="buyer">Buyer</Th><Th key="status">Status</Th><Th key="total" class="text-right">Total</Th></tr></thead>
                <tbody>
                  <For each={sorted()}>
                    {(o) => (
                      <tr class="hover:bg-panel">
                        <td class="td"><A href={`/orders/${o.id}`} class="font-mono font-bold text-fg no-underline hover:text-lime">#{o.number}</A></td>
                        <td class="td text-muted">{when(o.createdAt)}</td>
                        <td class="td">{o.email}</td>
                        <td class="td"><Badge tone={orderTone[o.status] ?? "muted"}>{o.status.replace("_", " ")}</Badge></td>
                        <td class="td mono text-right">{money(o.total.amount, o.total.currency)}<Show when={o.refundedTotal.amount > 0}><div class="text-xs text-err">−{money(o.refundedTotal.amount, o.refundedTotal.currency)}</div></Show></td>
                      </tr>
                    )}
                  </For>
                </tbody>
              </table>
              <Show when={cursor()}><div class="p-3 border-t border-line"><button type="button" class="btn" onClick={more}>Load more</button></div></Show>
            </div>
          )}
        </Async>
      </div>
    </>
  );
}
