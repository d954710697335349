// The buyer's order (/orders/:id?token=…, the link the checkout lands on and the footer keeps): status, lines,
// totals, addresses, shipments with tracking links, returns, and "Start a return" when the store takes returns
// online (returnWindowDays on the store profile) and some shipped units are not under a return yet. The server
// judges the window and the quantities; its refusals (409 return.*) are shown with what can still be returned.
import { For, Match, Show, Switch, createResource, createSignal } from "solid-js";
import { createStore, reconcile } from "solid-js/store";
import { A, useLocation, useParams, useSearchParams } from "@solidjs/router";
import { ApiError, api, describe, detailNumber, uuid } from "../lib/api.ts";
import { countryName, date, money } from "../lib/format.ts";
import { profile, useTitle } from "../lib/shop.ts";
import type { Address, Order, OrderReturn, OrderStatus } from "../lib/types.ts";
import { ErrorAlert, Loading, TotalsTable } from "../ui/kit.tsx";

const STATUS: Record<OrderStatus, { label: string; tone: string }> = {
  pending: { label: "Payment pending", tone: "bg-warn-soft text-warn" },
  paid: { label: "Paid · preparing your order", tone: "bg-ok-soft text-ok" },
  partially_fulfilled: { label: "Partly shipped", tone: "bg-ok-soft text-ok" },
  fulfilled: { label: "Shipped", tone: "bg-ok-soft text-ok" },
  cancelled: { label: "Cancelled", tone: "bg-err-soft text-err" },
  partially_refunded: { label: "Partly refunded", tone: "bg-soft text-ink" },
  refunded: { label: "Refunded", tone: "bg-soft text-ink" },
};

const RETURN_STATUS: Record<OrderReturn["status"], string> = { requested: "Requested", received: "Received by the shop", cancelled: "Cancelled" };

/** Only http(s) links are rendered as links (the server checks too; a page never trusts a stored URL's scheme). */
const safeUrl = (u: string) => (/^https?:\/\//i.test(u) ? u : null);

export function OrderPage() {
  const params = useParams<{ id: string }>();
  const [search] = useSearchParams<{ token: string }>();
  const location = useLocation<{ placed?: boolean }>();
  const token = () => (typeof search.token === "string" ? search.token : "");
  const [order, { refetch }] = createResource(
    () => ({ id: params.id, token: token() }),
    async ({ id, token }): Promise<Order | null> => {
      if (!token) return null;
      try {
        return await api.get<Order>(`/v1/store/orders/${encodeURIComponent(id)}`, { token });
      } catch (e) {
        if (e instanceof ApiError && e.status === 404) return null;
        throw e;
      }
    },
  );
  useTitle(() => (order.error ? "Order" : order.latest ? `Order #${order.latest.number}` : order.latest === null ? "Order not found" : null));
  return (
    <Switch fallback={<Loading label="Loading your order…" />}>
      <Match when={order.error}>
        <h1 class="text-3xl font-bold mt-0">Your order</h1>
        <ErrorAlert error={order.error}>
          <button type="button" class="btn mt-3" onClick={() => void refetch()}>Try again</button>
        </ErrorAlert>
      </Match>
      <Match when={order.latest === null}>
        <h1 class="text-3xl font-bold mt-0">Order not found</h1>
        <p>We could not find this order. Use the link from your order confirmation e-mail: it carries the code that opens it.</p>
        <p><A href="/" class="link">Continue shopping</A></p>
      </Match>
      <Match when={order.latest}>
        {(o) => <OrderDetail order={o()} token={token()} placed={!!location.state?.placed} onChanged={() => void refetch()} />}
      </Match>
    </Switch>
  );
}

function AddressBlock(props: { title: string; address: Address }) {
  const a = () => props.address;
  return (
    <div>
      <h3 class="text-base font-semibold mt-0 mb-1">{props.title}</h3>
      <address class="not-italic text-sm leading-relaxed">
        {a().firstName} {a().lastName}<br />
        <Show when={a().company}>{a().company}<br /></Show>
        {a().line1}<br />
        <Show when={a().line2}>{a().line2}<br /></Show>
        {a().postalCode} {a().city}<br />
        <Show when={a().region}>{a().region}<br /></Show>
        {countryName(a().countryCode)}
      </address>
    </div>
  );
}

function OrderDetail(props: { order: Order; token: string; placed: boolean; onChanged: () => void }) {
  const o = () => props.order;
  const status = () => STATUS[o().status];
  const titleOf = (lineId: string) => o().lines.find((l) => l.id === lineId)?.title ?? "Item";
  return (
    <div class="flex flex-col gap-8">
      <div>
        <Show when={props.placed}>
          <div role="status" class="alert-ok mb-6">
            <p class="m-0 font-semibold">Thank you! Your order is placed.</p>
            <p class="m-0 mt-1">A confirmation is on its way to {o().email}. Keep this page's address to check on your order.</p>
          </div>
        </Show>
        <h1 class="text-3xl font-bold mt-0 mb-2">Order #{o().number}</h1>
        <p class="m-0 flex flex-wrap items-center gap-3">
          <span class={`inline-block rounded-full px-3 py-1 text-sm font-medium ${status().tone}`}>
            <span class="sr-only">Status: </span>{status().label}
          </span>
          <span class="text-muted text-sm">Placed on {date(o().createdAt)}</span>
        </p>
      </div>

      <div class="grid gap-10 md:grid-cols-[1fr_320px]">
        <section aria-labelledby="items-title">
          <h2 id="items-title" class="text-xl font-semibold mt-0 mb-3">Items</h2>
          <table class="text-sm">
            <caption class="sr-only">Items in order #{o().number}</caption>
            <thead>
              <tr class="border-b border-line text-left">
                <th scope="col" class="py-2 font-medium">Product</th>
                <th scope="col" class="py-2 font-medium text-right">Qty</th>
                <th scope="col" class="py-2 font-medium text-right">Shipped</th>
                <th scope="col" class="py-2 font-medium text-right">Total</th>
              </tr>
            </thead>
            <tbody>
              <For each={o().lines}>
                {(l) => (
                  <tr class="border-b border-line">
                    <td class="py-2">{l.title}<br /><span class="text-muted tabular">{money(l.unitPrice)} each</span></td>
                    <td class="py-2 text-right tabular">{l.quantity}</td>
                    <td class="py-2 text-right tabular">{l.fulfilledQuantity}</td>
                    <td class="py-2 text-right tabular">{money(l.total)}</td>
                  </tr>
                )}
              </For>
            </tbody>
          </table>
          <p class="text-sm text-muted mt-3">Shipping: {o().shippingMethod.name} ({o().shippingMethod.carrier})</p>
          <Show when={o().refundedTotal.amount > 0}>
            <p class="text-sm">Refunded to you: <strong class="tabular">{money(o().refundedTotal)}</strong></p>
          </Show>
        </section>
        <section aria-labelledby="totals-title" class="card p-5 h-fit">
          <h2 id="totals-title" class="text-lg font-semibold mt-0 mb-3">Totals</h2>
          <TotalsTable totals={o()} shippingKnown caption={`Totals of order #${o().number}`} />
        </section>
      </div>

      <section aria-labelledby="addresses-title">
        <h2 id="addresses-title" class="text-xl font-semibold mt-0 mb-3">Addresses</h2>
        <div class="grid gap-6 sm:grid-cols-2">
          <AddressBlock title="Delivery" address={o().shippingAddress} />
          <AddressBlock title="Billing" address={o().billingAddress} />
        </div>
      </section>

      <section aria-labelledby="shipments-title">
        <h2 id="shipments-title" class="text-xl font-semibold mt-0 mb-3">Shipments</h2>
        <Show when={o().fulfillments.length > 0} fallback={<p class="m-0 text-muted">Nothing has shipped yet. You will get an e-mail with tracking when it does.</p>}>
          <ul class="list-none m-0 p-0 flex flex-col gap-2">
            <For each={o().fulfillments}>
              {(f) => (
                <li class="card px-4 py-3 text-sm">
                  Shipped {date(f.createdAt)} with {f.carrier} ·{" "}
                  <Show when={safeUrl(f.trackingUrl)} fallback={<span>tracking {f.trackingNumber}</span>}>
                    {(url) => (
                      <a href={url()} class="link" target="_blank" rel="noopener noreferrer">
                        Track parcel {f.trackingNumber}<span class="sr-only"> (opens in a new tab)</span>
                      </a>
                    )}
                  </Show>
                </li>
              )}
            </For>
          </ul>
        </Show>
      </section>

      <section aria-labelledby="returns-title">
        <h2 id="returns-title" class="text-xl font-semibold mt-0 mb-3">Returns</h2>
        <Show when={o().returns.length > 0}>
          <ul class="list-none m-0 p-0 mb-4 flex flex-col gap-2">
            <For each={o().returns}>
              {(r) => (
                <li class="card px-4 py-3 text-sm">
                  <p class="m-0 font-medium">Return #{o().number}-R{r.number} · {RETURN_STATUS[r.status]}</p>
                  <p class="m-0 text-muted">
                    Started {date(r.createdAt)}: {r.lines.map((l) => `${l.quantity} × ${titleOf(l.lineId)}`).join(", ")}
                  </p>
                </li>
              )}
            </For>
          </ul>
        </Show>
        <ReturnForm order={o()} token={props.token} onDone={() => props.onChanged()} />
      </section>
    </div>
  );
}

/** Shipped units of each line not already under a (non-cancelled) return: the most a buyer may ask to return. */
function returnable(o: Order): Map<string, number> {
  const taken = new Map<string, number>();
  for (const r of o.returns) {
    if (r.status === "cancelled") continue;
    for (const l of r.lines) taken.set(l.lineId, (taken.get(l.lineId) ?? 0) + l.quantity);
  }
  return new Map(o.lines.map((l) => [l.id, Math.max(0, l.fulfilledQuantity - (taken.get(l.id) ?? 0))]));
}

function ReturnForm(props: { order: Order; token: string; onDone: () => void }) {
  const days = () => profile()?.returnWindowDays ?? null;
  const left = () => returnable(props.order);
  const candidates = () => props.order.lines.filter((l) => (left().get(l.id) ?? 0) > 0);
  const [qty, setQty] = createStore<Record<string, string>>({});
  const [reason, setReason] = createSignal("");
  const [busy, setBusy] = createSignal(false);
  const [error, setError] = createSignal<unknown>(null);
  const [errorText, setErrorText] = createSignal<string | undefined>();
  const [done, setDone] = createSignal<string | null>(null);

  const explain = (e: unknown): string | undefined => {
    if (!(e instanceof ApiError)) return undefined;
    const lineId = typeof e.details?.lineId === "string" ? e.details.lineId : null;
    const n = detailNumber(e, "returnable");
    const title = lineId ? props.order.lines.find((l) => l.id === lineId)?.title : undefined;
    const still = title && n !== null ? (n === 0 ? ` No more ${title} can be returned.` : ` You can still return ${n} × ${title}.`) : "";
    if (e.reason === "return.window_closed") {
      const period = days() ? `${days()}-day return period` : "return period";
      return `The ${period} has ended for ${title ?? "these items"}.${n ? ` You can still return ${n} × ${title}.` : ""}`;
    }
    if (e.reason === "return.exceeds_shipped") return `${describe(e)}${still}`;
    return undefined;
  };

  const submit = async (ev: SubmitEvent) => {
    ev.preventDefault();
    const lines = candidates()
      .map((l) => ({ lineId: l.id, quantity: Number(qty[l.id] ?? "0") }))
      .filter((l) => Number.isInteger(l.quantity) && l.quantity > 0);
    setError(null);
    setErrorText(undefined);
    setDone(null);
    if (lines.length === 0) {
      setError(new ApiError(422, "VALIDATION", "request.invalid", "", null, undefined));
      setErrorText("Choose how many of at least one item you want to return.");
      return;
    }
    setBusy(true);
    try {
      const r = await api.post<OrderReturn>(
        `/v1/store/orders/${encodeURIComponent(props.order.id)}/returns?token=${encodeURIComponent(props.token)}`,
        { lines, reason: reason().trim() },
        uuid(),
      );
      setDone(`Return #${props.order.number}-R${r.number} is requested. The shop will tell you how to send the items back.`);
      setQty(reconcile({})); // a plain set merges: the old quantities would stay
      setReason("");
      props.onDone();
    } catch (e) {
      setError(e);
      setErrorText(explain(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <div role="status">
        <Show when={done()}>
          <p class="alert-ok m-0 mb-4">{done()}</p>
        </Show>
      </div>
      <Switch>
        <Match when={days() === null}>
          <p class="m-0 text-muted">This shop does not take returns online. To return something, contact the shop.</p>
        </Match>
        <Match when={candidates().length === 0}>
          <p class="m-0 text-muted">
            {props.order.fulfillments.length === 0 ? `Once your items ship you can return them here within ${days()} days.` : "Nothing else from this order can be returned here."}
          </p>
        </Match>
        <Match when={true}>
          <form class="card p-5 flex flex-col gap-4 max-w-xl" onSubmit={submit}>
            <h3 class="text-lg font-semibold m-0">Start a return</h3>
            <p class="m-0 text-sm text-muted">Shipped items can be returned within {days()} days of shipping.</p>
            <For each={candidates()}>
              {(l) => (
                <div>
                  <label class="label" for={`ret-${l.id}`}>{l.title} <span class="text-muted font-normal">(up to {left().get(l.id)})</span></label>
                  <input id={`ret-${l.id}`} class="input w-24" type="number" inputmode="numeric" min="0" max={String(left().get(l.id))} step="1"
                    value={qty[l.id] ?? "0"} onInput={(e) => setQty(l.id, e.currentTarget.value)} />
                </div>
              )}
            </For>
            <div>
              <label class="label" for="return-reason">Why are you returning it?</label>
              <textarea id="return-reason" class="input" rows={3} maxLength={500} required value={reason()} onInput={(e) => setReason(e.currentTarget.value)} />
            </div>
            <Show when={error()}>
              <ErrorAlert error={error()} message={errorText() ?? describe(error())} />
            </Show>
            <div>
              <button type="submit" class="btn-primary" disabled={busy()}>{busy() ? "Sending…" : "Request the return"}</button>
            </div>
          </form>
        </Match>
      </Switch>
    </>
  );
}
