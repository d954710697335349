// One order: lines and totals, payment, fulfilments (fulfil with tracking), returns (authorize, receive, cancel),
// refunds (full or partial, optionally for a return), cancel, and the timeline of everything that happened to it.
import { For, Show, createResource, createSignal } from "solid-js";
import { useParams } from "@solidjs/router";
import { api } from "../../lib/api.ts";
import type { Order, OrderReturn } from "../../lib/types.ts";
import { fromMinor, money, toMinor, when } from "../../lib/format.ts";
import { Async, Badge, Confirm, ErrorBox, PageHeader, Section, SelectField, TextField, notify, useAction } from "../../ui/kit.tsx";
import { orderTone } from "./List.tsx";

function Fulfil(props: { order: Order; onDone: (o: Order) => void }) {
  const [carrier, setCarrier] = createSignal("");
  const [tracking, setTracking] = createSignal("");
  const [url, setUrl] = createSignal("");
  const { busy, error, run } = useAction();
  const submit = (e: Event) => {
    e.preventDefault();
    return run(async () => {
      const o = await api.post<Order>(`/v1/admin/orders/${props.order.id}/fulfillments`, { carrier: carrier().trim(), trackingNumber: tracking().trim(), trackingUrl: url().trim() });
      notify(`Order #${o.number} fulfilled`);
      props.onDone(o);
    });
  };
  return (
    <form onSubmit={submit} aria-label="Fulfil the order" class="grid grid-cols-2 gap-3 items-end">
      <TextField label="Carrier" required value={carrier()} onInput={(e) => setCarrier(e.currentTarget.value)} placeholder="colissimo" />
      <TextField label="Tracking number" required class="mono" value={tracking()} onInput={(e) => setTracking(e.currentTarget.value)} />
      <TextField label="Tracking URL" required type="url" class="col-span-2" value={url()} onInput={(e) => setUrl(e.currentTarget.value)} placeholder="https://tracking.example.com/…" />
      <div class="col-span-2 flex items-center gap-3">
        <button type="submit" class="btn-primary" disabled={busy()}>Fulfil remaining items</button>
        <span class="text-xs text-muted">The buyer gets the tracking link by e-mail.</span>
      </div>
      <Show when={error()}><div class="col-span-2"><ErrorBox error={error()} /></div></Show>
    </form>
  );
}

/** Units of a line that can still go into a return: shipped, and not under a return that stands. */
function returnable(o: Order, lineId: string): number {
  const line = o.lines.find((l) => l.id === lineId);
  const taken = o.returns.filter((r) => r.status !== "cancelled").flatMap((r) => r.lines).filter((l) => l.lineId === lineId).reduce((n, l) => n + l.quantity, 0);
  return Math.max(0, (line?.fulfilledQuantity ?? 0) - taken);
}

function RequestReturn(props: { order: Order; onDone: () => void }) {
  const [qty, setQty] = createSignal<Record<string, string>>({});
  const [reason, setReason] = createSignal("");
  const { busy, error, run } = useAction();
  const lines = () => props.order.lines.filter((l) => returnable(props.order, l.id) > 0);
  const wanted = () => lines().map((l) => ({ lineId: l.id, quantity: Number(qty()[l.id] ?? "0") })).filter((l) => Number.isInteger(l.quantity) && l.quantity > 0);
  const submit = (e: Event) => {
    e.preventDefault();
    return run(async () => {
      const r = await api.post<OrderReturn>(`/v1/admin/orders/${props.order.id}/returns`, { lines: wanted(), reason: reason().trim() });
      notify(`Return #${props.order.number}-R${r.number} authorized`);
      setQty({});
      setReason("");
      props.onDone();
    });
  };
  return (
    <Show when={lines().length > 0} fallback={<p class="m-0 text-sm text-muted">Nothing shipped is left to return.</p>}>
      <form onSubmit={submit} aria-label="Authorize a return" class="grid grid-cols-2 gap-3 items-end">
        <For each={lines()}>{(l) => (
          <TextField label={`${l.title} — return up to ${returnable(props.order, l.id)}`} type="number" min="0" max={String(returnable(props.order, l.id))} step="1" class="mono"
            value={qty()[l.id] ?? "0"} onInput={(e) => setQty({ ...qty(), [l.id]: e.currentTarget.value })} />
        )}</For>
        <TextField label="Return reason" required class="col-span-2" value={reason()} onInput={(e) => setReason(e.currentTarget.value)} placeholder="Too small" />
        <div class="col-span-2 flex items-center gap-3">
          <button type="submit" class="btn" disabled={busy() || wanted().length === 0 || reason().trim() === ""}>Authorize return</button>
          <span class="text-xs text-muted">Stock comes back when the parcel is received. Refund separately.</span>
        </div>
        <Show when={error()}><div class="col-span-2"><ErrorBox error={error()} /></div></Show>
      </form>
    </Show>
  );
}

function ReturnItem(props: { order: Order; r: OrderReturn; onDone: () => void }) {
  const [restock, setRestock] = createSignal(true);
  const act = useAction();
  const label = () => `#${props.order.number}-R${props.r.number}`;
  const tone = () => (props.r.status === "received" ? "ok" : props.r.status === "cancelled" ? "muted" : "warn");
  return (
    <li class="border border-line p-3 mb-2 text-sm">
      <div class="flex gap-2 items-center">
        <span class="font-bold mono">{label()}</span><Badge tone={tone()}>{props.r.status}</Badge>
        <span class="text-muted">{props.r.reason} · {when(props.r.createdAt)}</span>
      </div>
      <ul class="m-0 mt-1 pl-4">
        <For each={props.r.lines}>{(l) => <li>{l.quantity} × {l.title} <span class="mono text-xs text-muted">{l.sku ?? ""}</span></li>}</For>
      </ul>
      <Show when={props.r.status === "received"}>
        <p class="m-0 mt-1 text-muted">{props.r.restocked ? "Received and restocked" : "Received, not restocked"}{props.r.refundIds.length ? ` · ${props.r.refundIds.length} refund(s)` : " · not refunded yet"}</p>
      </Show>
      <Show when={props.r.status === "requested"}>
        <div class="flex gap-3 items-center mt-2">
          <label class="text-sm flex items-center gap-1"><input type="checkbox" checked={restock()} onChange={(e) => setRestock(e.currentTarget.checked)} /> Restock items</label>
          <button type="button" class="btn text-xs" disabled={act.busy()} aria-label={`Mark return ${label()} received`}
            onClick={() => act.run(async () => { await api.post(`/v1/admin/orders/${props.order.id}/returns/${props.r.id}/receive`, { restock: restock() }); notify(`Return ${label()} received`); props.onDone(); })}>Mark received</button>
          <button type="button" class="btn text-xs" disabled={act.busy()} aria-label={`Cancel return ${label()}`}
            onClick={() => act.run(async () => { await api.postEmpty(`/v1/admin/orders/${props.order.id}/returns/${props.r.id}/cancel`); notify(`Return ${label()} cancelled`); props.onDone(); })}>Cancel return</button>
        </div>
      </Show>
      <Show when={act.error()}><ErrorBox error={act.error()} /></Show>
    </li>
  );
}

function Returns(props: { order: Order; onDone: () => void }) {
  return (
    <>
      <Show when={props.order.returns.length > 0}>
        <ul class="list-none p-0 m-0 mb-4">
          <For each={props.order.returns}>{(r) => <ReturnItem order={props.order} r={r} onDone={props.onDone} />}</For>
        </ul>
      </Show>
      <RequestReturn order={props.order} onDone={props.onDone} />
    </>
  );
}

function Refund(props: { order: Order; onDone: (o: Order) => void }) {
  const cur = props.order.currency;
  const refundable = () => (props.order.payment ? props.order.payment.capturedAmount.amount - props.order.payment.refundedAmount.amount : 0);
  const [amount, setAmount] = createSignal(fromMinor(refundable(), cur));
  const [reason, setReason] = createSignal("");
  const [forReturn, setForReturn] = createSignal("");
  const standing = () => props.order.returns.filter((r) => r.status !== "cancelled");
  const minor = () => toMinor(amount(), cur);
  const valid = () => minor() !== null && minor()! > 0 && minor()! <= refundable() && reason().trim() !== "";
  return (
    <div class="grid grid-cols-2 gap-3 items-end">
      <TextField label={`Amount (${cur}) — up to ${money(refundable(), cur)}`} inputmode="decimal" class="mono" value={amount()} onInput={(e) => setAmount(e.currentTarget.value)} />
      <TextField label="Refund reason" required value={reason()} onInput={(e) => setReason(e.currentTarget.value)} placeholder="Damaged in transit" />
      <Show when={standing().length > 0}>
        <SelectField label="For return" class="col-span-2" value={forReturn()} onChange={(e) => setForReturn(e.currentTarget.value)}
          options={[{ value: "", label: "No return" }, ...standing().map((r) => ({ value: r.id, label: `#${props.order.number}-R${r.number} (${r.status})` }))]} />
      </Show>
      <div class="col-span-2 flex gap-2 items-center">
        <button type="button" class="btn text-xs" onClick={() => setAmount(fromMinor(refundable(), cur))}>Full amount</button>
        <Show when={valid()} fallback={<span class="text-xs text-muted">Enter an amount up to {money(refundable(), cur)} and a reason.</span>}>
          <Confirm label={`Refund ${money(minor(), cur)}`} title={`Refund ${money(minor(), cur)}?`} confirmLabel="Refund"
            consequence={`${money(minor(), cur)} goes back to ${props.order.email} through ${props.order.payment?.provider ?? "the payment provider"}. A refund cannot be undone.`}
            onConfirm={async () => {
              const o = await api.post<Order>(`/v1/admin/orders/${props.order.id}/refunds`, { amount: minor(), reason: reason().trim(), ...(forReturn() ? { returnId: forReturn() } : {}) });
              notify(`Refunded ${money(minor(), cur)}`);
              props.onDone(o);
            }} />
        </Show>
      </div>
    </div>
  );
}

function Cancel(props: { order: Order; onDone: (o: Order) => void }) {
  const [reason, setReason] = createSignal("");
  return (
    <div class="flex gap-3 items-end">
      <TextField class="flex-1" label="Reason for cancelling" value={reason()} onInput={(e) => setReason(e.currentTarget.value)} placeholder="Requested by the customer" />
      <Show when={reason().trim()} fallback={<button type="button" class="btn-danger" disabled>Cancel order</button>}>
        <Confirm label="Cancel order" title={`Cancel order #${props.order.number}?`} confirmLabel="Cancel order"
          consequence={`The order stops, reserved stock returns to inventory${props.order.payment?.capturedAmount.amount ? " and the captured payment is refunded" : " and the payment authorization is voided"}. This cannot be undone.`}
          onConfirm={async () => props.onDone(await api.post<Order>(`/v1/admin/orders/${props.order.id}/cancel`, { reason: reason().trim() }))} />
      </Show>
    </div>
  );
}

function Totals(props: { o: Order }) {
  const m = (x: { amount: number; currency: string }) => money(x.amount, x.currency);
  return (
    <dl class="grid gap-1 m-0 mt-3 ml-auto w-72 text-sm" style={{ "grid-template-columns": "1fr auto" }}>
      <dt class="text-muted">Subtotal</dt><dd class="m-0 mono text-right">{m(props.o.subtotal)}</dd>
      <Show when={props.o.discountTotal.amount > 0}><dt class="text-muted">Discount</dt><dd class="m-0 mono text-right">−{m(props.o.discountTotal)}</dd></Show>
      <dt class="text-muted">Shipping</dt><dd class="m-0 mono text-right">{m(props.o.shippingTotal)}</dd>
      {/* Tax-inclusive prices: the tax is inside the total, so it is shown after it, not added above it. */}
      <Show when={!props.o.taxIncluded}><dt class="text-muted">Tax</dt><dd class="m-0 mono text-right">{m(props.o.taxTotal)}</dd></Show>
      <dt class="font-bold">Total</dt><dd class="m-0 mono text-right font-bold">{m(props.o.total)}</dd>
      <Show when={props.o.taxIncluded}><dt class="text-muted">incl. tax</dt><dd class="m-0 mono text-right text-muted">{m(props.o.taxTotal)}</dd></Show>
      <Show when={props.o.refundedTotal.amount > 0}><dt class="text-err">Refunded</dt><dd class="m-0 mono text-right text-err">−{m(props.o.refundedTotal)}</dd></Show>
    </dl>
  );
}

export function OrderDetail() {
  const params = useParams();
  const [order, { refetch, mutate }] = createResource(() => params.id, (id) => api.get<Order>(`/v1/admin/orders/${id}`));
  const title = () => (order() ? `Order #${order()!.number}` : "Order");
  const capture = useAction();
  return (
    <>
      <PageHeader crumbs={[{ label: "Orders", href: "/orders" }, { label: title() }]} title={title()} />
      <div class="p-6 max-w-6xl">
        <Async data={order} retry={refetch}>
          {(o) => (
            <div class="grid gap-6" style={{ "grid-template-columns": "2fr 1fr" }}>
              <div>
                <div class="flex gap-2 mb-4 items-center">
                  <Badge tone={orderTone[o.status] ?? "muted"}>{o.status.replace("_", " ")}</Badge>
                  <Badge tone={o.fulfillmentStatus === "fulfilled" ? "ok" : "warn"}>{o.fulfillmentStatus.replace("_", " ")}</Badge>
                  <span class="text-muted text-sm">{when(o.createdAt)} · <span class="mono">{o.id}</span></span>
                </div>
                <Section title="Items">
                  <table>
                    <thead><tr><th class="th">Item</th><th class="th">Qty</th><th class="th">Fulfilled</th><th class="th text-right">Price</th><th class="th text-right">Total</th></tr></thead>
                    <tbody>
                      <For each={o.lines}>
                        {(l) => (
                          <tr>
                            <td class="td">{l.title}<div class="mono text-xs text-muted">{l.sku ?? l.variantId}</div></td>
                            <td class="td mono">{l.quantity}</td>
                            <td class="td mono">{l.fulfilledQuantity}</td>
                            <td class="td mono text-right">{money(l.unitPrice.amount, l.unitPrice.currency)}</td>
                            <td class="td mono text-right">{money(l.total.amount, l.total.currency)}</td>
                          </tr>
                        )}
                      </For>
                    </tbody>
                  </table>
                  <Totals o={o} />
                </Section>
                <Section title="Fulfilment">
                  <Show when={o.fulfillments.length > 0}>
                    <ul class="list-none p-0 m-0 mb-4">
                      <For each={o.fulfillments}>
                        {(f) => (
                          <li class="border border-line p-3 mb-2 text-sm">
                            <span class="font-bold">{f.carrier}</span> · <a href={f.trackingUrl} class="link-lime mono" rel="noreferrer noopener" target="_blank">{f.trackingNumber}</a>
                            <span class="text-muted"> · {f.lines.reduce((n, l) => n + l.quantity, 0)} item(s) · {when(f.createdAt)}</span>
                          </li>
                        )}
                      </For>
                    </ul>
                  </Show>
                  <Show
                    when={o.fulfillmentStatus !== "fulfilled" && o.status !== "cancelled" && o.status !== "pending" && o.status !== "refunded"}
                    fallback={
                      <p class="m-0 text-sm text-muted">
                        {o.fulfillmentStatus === "fulfilled" ? "Everything has shipped." : o.status === "pending" ? "Waiting for payment before fulfilment." : o.status === "cancelled" ? "Cancelled orders are not fulfilled." : "Refunded in full: the rest is not shipped."}
                      </p>
                    }
                  >
                    <Fulfil order={o} onDone={(n) => mutate(n)} />
                  </Show>
                </Section>
                <Show when={o.fulfillmentStatus !== "unfulfilled" || o.returns.length > 0}>
                  <Section title="Returns"><Returns order={o} onDone={refetch} /></Section>
                </Show>
                <Show when={o.payment && o.payment.capturedAmount.amount > o.payment.refundedAmount.amount}>
                  <Section title="Refund"><Refund order={o} onDone={(n) => mutate(n)} /></Section>
                </Show>
                <Show when={o.status !== "cancelled" && o.fulfillmentStatus === "unfulfilled"}>
                  <Section title="Cancel"><Cancel order={o} onDone={(n) => mutate(n)} /></Section>
                </Show>
              </div>
              <div>
                <Section title="Customer">
                  <p class="m-0 break-all">{o.email}</p>
                  <Show when={o.shippingAddress}>
                    {(a) => (
                      <address class="not-italic text-sm text-muted mt-2">
                        {a().firstName} {a().lastName}<br />{a().line1}<br />{a().postalCode} {a().city}<br />{a().countryCode}
                      </address>
                    )}
                  </Show>
                  <Show when={o.shippingMethod}><p class="m-0 mt-2 text-sm">Shipping: {o.shippingMethod!.name}</p></Show>
                </Section>
                <Section title="Payment">
                  <Show when={o.payment} fallback={<p class="m-0 text-sm text-muted">No payment.</p>}>
                    {(p) => (
                      <>
                        <dl class="grid gap-1 m-0 text-sm" style={{ "grid-template-columns": "1fr auto" }}>
                          <dt class="text-muted">Provider</dt><dd class="m-0 mono">{p().provider}</dd>
                          <dt class="text-muted">Status</dt><dd class="m-0"><Badge tone={p().status === "captured" || p().status === "succeeded" ? "ok" : "warn"}>{p().status}</Badge></dd>
                          <dt class="text-muted">Captured</dt><dd class="m-0 mono">{money(p().capturedAmount.amount, p().capturedAmount.currency)}</dd>
                          <dt class="text-muted">Refunded</dt><dd class="m-0 mono">{money(p().refundedAmount.amount, p().refundedAmount.currency)}</dd>
                        </dl>
                        <Show when={p().capturedAmount.amount === 0 && o.status === "pending" && p().captureMethod === "manual"}>
                          <button type="button" class="btn-primary mt-3" disabled={capture.busy()} onClick={() => capture.run(async () => mutate(await api.postEmpty<Order>(`/v1/admin/orders/${o.id}/capture`)))}>Capture payment</button>
                          <Show when={capture.error()}><ErrorBox error={capture.error()} /></Show>
                        </Show>
                      </>
                    )}
                  </Show>
                  <Show when={o.refunds.length > 0}>
                    <ul class="list-none p-0 m-0 mt-3 text-sm">
                      <For each={o.refunds}>{(r) => (
                        <li class="border-t border-line py-1">
                          {/* A failed refund never reached the buyer: shown struck through and said in words, not by colour alone. */}
                          <Show when={r.status !== "failed"} fallback={<><span class="mono text-muted line-through">{money(r.amount.amount, r.amount.currency)}</span> {r.reason} <span class="text-err">(failed at the payment provider: not paid back)</span></>}>
                            <span class="mono text-err">−{money(r.amount.amount, r.amount.currency)}</span> {r.reason} <span class="text-muted">({r.status})</span>
                          </Show>
                        </li>
                      )}</For>
                    </ul>
                  </Show>
                </Section>
                <Section title="Timeline">
                  <ol class="list-none p-0 m-0 text-sm border-l border-line">
                    <For each={[...o.timeline].reverse()}>
                      {(t) => (
                        <li class="pl-3 pb-3 relative">
                          <span class="absolute -left-1 top-1.5 w-2 h-2 bg-lime" aria-hidden="true" />
                          <p class="m-0">{t.message}</p>
                          <p class="m-0 text-xs text-muted">{when(t.createdAt)} · <span class="mono">{t.type}</span></p>
                        </li>
                      )}
                    </For>
                  </ol>
                </Section>
              </div>
            </div>
          )}
        </Async>
      </div>
    </>
  );
}
