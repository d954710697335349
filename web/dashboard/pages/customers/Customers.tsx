// Customers: the list (search by e-mail) and one customer with their orders.
import { For, Show, createResource } from "solid-js";
import { A, useParams, useSearchParams } from "@solidjs/router";
import { api, type Page } from "../../lib/api.ts";
import type { Customer, OrderSummary } from "../../lib/types.ts";
import { money, when } from "../../lib/format.ts";
import { Async, Badge, Empty, PageHeader, Section } from "../../ui/kit.tsx";
import { orderTone } from "../orders/List.tsx";

const nameOf = (c: Customer) => [c.firstName, c.lastName].filter(Boolean).join(" ") || c.email;

export function CustomerList() {
  const [params, setParams] = useSearchParams();
  const email = () => (typeof params.email === "string" ? params.email : "");
  const [page, { refetch }] = createResource(email, (e) => api.get<Page<Customer>>("/v1/admin/customers", { limit: 100, email: e }));
  return (
    <>
      <PageHeader crumbs={[{ label: "Customers" }]} title="Customers">
        <form role="search" class="flex gap-3 mt-4" onSubmit={(e) => { e.preventDefault(); const fd = new FormData(e.currentTarget); setParams({ email: String(fd.get("email") || "") || undefined }); }}>
          <div class="flex-1"><label class="label" for="customer-email">E-mail</label><input id="customer-email" name="email" type="search" class="input" value={email()} /></div>
          <div class="flex items-end"><button type="submit" class="btn">Search</button></div>
        </form>
      </PageHeader>
      <div class="p-6">
        <Async data={page} retry={refetch} empty={(p) => p.data.length === 0} emptyView={<Empty title={email() ? "No customer matches" : "No customers yet"}>{email() ? "Check the e-mail address." : "A customer is created with their first order."}</Empty>}>
          {(p) => (
            <div class="panel">
              <table>
                <thead><tr><th class="th">Customer</th><th class="th">Orders</th><th class="th">Since</th></tr></thead>
                <tbody>
                  <For each={p.data}>
                    {(c) => (
                      <tr class="hover:bg-panel">
                        <td class="td"><A href={`/customers/${c.id}`} class="font-bold text-fg no-underline hover:text-lime">{nameOf(c)}</A><div class="text-xs text-muted">{c.email}</div></td>
                        <td class="td mono">{c.ordersCount}</td>
                        <td class="td text-muted">{when(c.createdAt)}</td>
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

export function CustomerDetail() {
  const params = useParams();
  const [c, { refetch }] = createResource(() => params.id, (id) => api.get<Customer & { orders: OrderSummary[] }>(`/v1/admin/customers/${id}`));
  const title = () => (c() ? nameOf(c()!) : "Customer");
  return (
    <>
      <PageHeader crumbs={[{ label: "Customers", href: "/customers" }, { label: title() }]} title={title()} />
      <div class="p-6 max-w-4xl">
        <Async data={c} retry={refetch}>
          {(cust) => (
            <>
              <p class="m-0 mb-4 text-muted">{cust.email} · <span class="mono">{cust.id}</span> · customer since {when(cust.createdAt)}</p>
              <Section title={`Orders (${cust.orders.length})`}>
                <Show when={cust.orders.length > 0} fallback={<p class="m-0 text-sm text-muted">No orders.</p>}>
                  <table>
                    <thead><tr><th class="th">Order</th><th class="th">Date</th><th class="th">Status</th><th class="th text-right">Total</th></tr></thead>
                    <tbody>
                      <For each={cust.orders}>
                        {(o) => (
                          <tr>
                            <td class="td"><A href={`/orders/${o.id}`} class="mono font-bold text-fg no-underline hover:text-lime">#{o.number}</A></td>
                            <td class="td text-muted">{when(o.createdAt)}</td>
                            <td class="td"><Badge tone={orderTone[o.status] ?? "muted"}>{o.status.replace("_", " ")}</Badge></td>
                            <td class="td mono text-right">{money(o.total.amount, o.total.currency)}</td>
                          </tr>
                        )}
                      </For>
                    </tbody>
                  </table>
                </Show>
              </Section>
            </>
          )}
        </Async>
      </div>
    </>
  );
}
