// Overview: the store at a glance — orders and revenue today / 7 / 30 days (net of refunds, cancelled orders
// excluded), then catalog, stock, experiments and job health.
import { For, Show, createResource } from "solid-js";
import { A } from "@solidjs/router";
import { api, type Page } from "../lib/api.ts";
import type { AuditEntry, Flag, JobsView, OrderSummary, Product, Settings } from "../lib/types.ts";
import { money, when } from "../lib/format.ts";
import { Async, Badge, Empty, PageHeader, Section } from "../ui/kit.tsx";

interface Window {
  label: string;
  orders: number;
  revenue: number;
}

const DAY = 86_400_000;

/** Orders of the last 30 days (up to 1,000, newest first), bucketed into today / 7 days / 30 days. */
async function sales(currency: string): Promise<{ windows: Window[]; capped: boolean; toFulfil: number }> {
  const since = Date.now() - 30 * DAY;
  const all: OrderSummary[] = [];
  let cursor: string | null = null;
  for (let i = 0; i < 10; i++) {
    const page: Page<OrderSummary> = await api.get<Page<OrderSummary>>("/v1/admin/orders", { limit: 100, createdFrom: new Date(since).toISOString(), cursor });
    all.push(...page.data);
    cursor = page.nextCursor;
    if (!cursor) break;
  }
  const midnight = new Date();
  midnight.setHours(0, 0, 0, 0);
  const bucket = (label: string, from: number): Window => {
    const rows = all.filter((o) => Date.parse(o.createdAt) >= from && o.status !== "cancelled" && o.total.currency === currency);
    return { label, orders: rows.length, revenue: rows.reduce((n, o) => n + o.total.amount - o.refundedTotal.amount, 0) };
  };
  return {
    windows: [bucket("Today", midnight.getTime()), bucket("Last 7 days", Date.now() - 7 * DAY), bucket("Last 30 days", since)],
    capped: cursor !== null,
    toFulfil: all.filter((o) => o.status === "paid" || o.status === "partially_fulfilled").length,
  };
}

interface Summary {
  currency: string;
  sales: Awaited<ReturnType<typeof sales>> | null;
  products: { total: number; more: boolean; active: number; draft: number };
  stock: { tracked: number; out: number };
  flags: { running: number; total: number };
  jobs: JobsView["counts"] | null;
  activity: AuditEntry[];
}

async function summary(): Promise<Summary> {
  const settings = await api.get<Settings>("/v1/admin/settings");
  const [orders, products, levels, flags, jobs, audit] = await Promise.all([
    sales(settings.defaultCurrency).catch(() => null),
    api.get<Page<Product>>("/v1/admin/products", { limit: 100 }),
    api.get<Page<{ variantId: string; available: number }>>("/v1/admin/inventory/levels", { limit: 100 }),
    api.get<Page<Flag>>("/v1/admin/flags", { limit: 100 }),
    api.get<JobsView>("/v1/admin/jobs").catch(() => null),
    api.get<Page<AuditEntry>>("/v1/admin/audit-log", { limit: 8 }),
  ]);
  return {
    currency: settings.defaultCurrency,
    sales: orders,
    products: {
      total: products.data.length,
      more: products.nextCursor !== null,
      active: products.data.filter((p) => p.status === "active").length,
      draft: products.data.filter((p) => p.status === "draft").length,
    },
    stock: { tracked: levels.data.length, out: levels.data.filter((l) => l.available <= 0).length },
    flags: { running: flags.data.filter((f) => f.status === "running").length, total: flags.data.length },
    jobs: jobs?.counts ?? null,
    activity: audit.data,
  };
}

function Stat(props: { label: string; value: string | number; note?: string; href?: string; tone?: string }) {
  const body = () => (
    <>
      <p class="label m-0">{props.label}</p>
      <p class={`m-0 mt-2 text-3xl font-mono font-bold ${props.tone ?? ""}`}>{props.value}</p>
      <Show when={props.note}><p class="m-0 mt-1 text-xs text-muted">{props.note}</p></Show>
    </>
  );
  return (
    <Show when={props.href} fallback={<div class="panel p-4">{body()}</div>}>
      <A href={props.href!} class="panel p-4 block no-underline hover:border-lime">{body()}</A>
    </Show>
  );
}

export function Overview() {
  const [data, { refetch }] = createResource(summary);
  return (
    <>
      <PageHeader crumbs={[{ label: "Overview" }]} title="Overview" />
      <div class="p-6">
        <Async data={data} retry={refetch}>
          {(s) => (
            <>
              <Show when={s.sales}>
                {(o) => (
                  <div class="grid grid-cols-4 gap-4 mb-4">
                    <For each={o().windows}>
                      {(w) => <Stat label={`Revenue · ${w.label}`} value={money(w.revenue, s.currency)} note={`${w.orders}${o().capped && w.label === "Last 30 days" ? "+" : ""} order${w.orders === 1 ? "" : "s"}`} href="/orders" />}
                    </For>
                    <Stat label="To fulfil" value={o().toFulfil} note="paid, not yet shipped" href="/orders?status=paid" tone={o().toFulfil > 0 ? "text-lime" : ""} />
                  </div>
                )}
              </Show>
              <div class="grid grid-cols-4 gap-4 mb-6">
                <Stat label="Products" value={`${s.products.total}${s.products.more ? "+" : ""}`} note={`${s.products.active} active · ${s.products.draft} draft`} href="/products" />
                <Stat label="Out of stock" value={s.stock.out} note={`of ${s.stock.tracked} stock levels`} href="/products" tone={s.stock.out > 0 ? "text-warn" : "text-ok"} />
                <Stat label="Running experiments" value={s.flags.running} note={`${s.flags.total} flags`} />
                <Stat
                  label="Failed jobs"
                  value={s.jobs ? s.jobs.failed + s.jobs.dead : "—"}
                  note={s.jobs ? `${s.jobs.waiting} waiting · ${s.jobs.dead} dead` : "needs the jobs permission"}
                  href="/ops/jobs"
                  tone={s.jobs && s.jobs.failed + s.jobs.dead > 0 ? "text-err" : "text-ok"}
                />
              </div>
              <Section title="Recent activity" actions={<A href="/ops/audit" class="link-lime text-sm">Audit log</A>}>
                <Show when={s.activity.length > 0} fallback={<Empty title="Nothing happened yet">Create a product or change a setting; every change shows up here.</Empty>}>
                  <table>
                    <thead><tr><th class="th">When</th><th class="th">Action</th><th class="th">Target</th><th class="th">Actor</th></tr></thead>
                    <tbody>
                      <For each={s.activity}>
                        {(e) => (
                          <tr>
                            <td class="td text-muted">{when(e.at)}</td>
                            <td class="td"><Badge tone="lime">{e.action}</Badge></td>
                            <td class="td mono text-xs">{e.targetType} {e.targetId}</td>
                            <td class="td mono text-xs">{e.actor.type}:{e.actor.id}</td>
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
