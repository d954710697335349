// Shared pieces: the error and status messages (announced), labelled fields, prices and the totals table that the
// cart, the checkout and the order page all show the same way.
import { For, Show, createUniqueId, splitProps, type JSX } from "solid-js";
import { ApiError, describe } from "../lib/api.ts";
import { money } from "../lib/format.ts";
import type { Money, Totals } from "../lib/types.ts";

/** An error for the buyer, announced by screen readers (role=alert), with the request id in small print. */
export function ErrorAlert(props: { error: unknown; message?: string; children?: JSX.Element }) {
  const rid = () => (props.error instanceof ApiError ? props.error.requestId : null);
  return (
    <div role="alert" class="alert-err my-4">
      <p class="m-0 font-medium">{props.message ?? describe(props.error)}</p>
      {props.children}
      <Show when={rid()}>
        <p class="m-0 mt-1 text-sm">Reference: <span class="select-all">{rid()}</span></p>
      </Show>
    </div>
  );
}

export function Loading(props: { label?: string }) {
  return (
    <p role="status" class="text-muted py-8">{props.label ?? "Loading…"}</p>
  );
}

type FieldProps = JSX.InputHTMLAttributes<HTMLInputElement> & { label: string; hint?: string; error?: string | null; optional?: boolean };

/** A text input with its label, an optional hint and its own error, both tied to it with aria-describedby. */
export function Field(props: FieldProps) {
  const [own, rest] = splitProps(props, ["label", "hint", "error", "optional", "class"]);
  const id = createUniqueId();
  const described = () => [own.hint ? `${id}-hint` : "", own.error ? `${id}-err` : ""].filter(Boolean).join(" ") || undefined;
  return (
    <div class={own.class}>
      <label class="label" for={id}>
        {own.label}
        <Show when={own.optional}> <span class="text-muted font-normal">(optional)</span></Show>
      </label>
      <input id={id} class="input" aria-invalid={own.error ? "true" : undefined} aria-describedby={described()} {...rest} />
      <Show when={own.hint}>
        <p id={`${id}-hint`} class="hint">{own.hint}</p>
      </Show>
      <Show when={own.error}>
        <p id={`${id}-err`} class="text-sm text-err mt-1 mb-0">{own.error}</p>
      </Show>
    </div>
  );
}

export function Price(props: { price: Money | null | undefined; compareAt?: Money | null; from?: boolean; class?: string }) {
  const reduced = () => props.compareAt && props.price && props.compareAt.amount > props.price.amount;
  return (
    <p class={`m-0 tabular ${props.class ?? ""}`}>
      <Show when={props.from}>From </Show>
      <span class={reduced() ? "text-err font-semibold" : "font-semibold"}>{money(props.price)}</span>
      <Show when={reduced()}>
        {" "}<s class="text-muted"><span class="sr-only">was </span>{money(props.compareAt)}</s>
      </Show>
    </p>
  );
}

/** Subtotal, discount, shipping, tax and total exactly as the server computed them. */
export function TotalsTable(props: { totals: Totals; shippingKnown: boolean; taxEstimated?: boolean; caption?: string }) {
  const t = () => props.totals;
  const rows = (): [string, string][] => {
    const r: [string, string][] = [["Subtotal", money(t().subtotal)]];
    if (t().discountTotal.amount !== 0) r.push(["Discount", `−${money(t().discountTotal)}`]);
    r.push(["Shipping", props.shippingKnown ? (t().shippingTotal.amount === 0 ? "Free" : money(t().shippingTotal)) : "Calculated at checkout"]);
    if (!t().taxIncluded) r.push([props.taxEstimated ? "Tax (estimated)" : "Tax", money(t().taxTotal)]);
    return r;
  };
  return (
    <table class="text-sm tabular">
      <caption class="sr-only">{props.caption ?? "Order totals"}</caption>
      <tbody>
        <For each={rows()}>
          {([label, value]) => (
            <tr>
              <th scope="row" class="text-left font-normal text-muted py-1">{label}</th>
              <td class="text-right py-1">{value}</td>
            </tr>
          )}
        </For>
        <tr class="border-t border-line">
          <th scope="row" class="text-left py-2 text-base">Total</th>
          <td class="text-right py-2 text-base font-bold">{money(t().total)}</td>
        </tr>
        <Show when={t().taxIncluded && t().taxTotal.amount !== 0}>
          <tr>
            <td colSpan={2} class="text-right text-muted text-sm">
              incl. {money(t().taxTotal)} tax{props.taxEstimated ? " (estimated until we know your address)" : ""}
            </td>
          </tr>
        </Show>
        <Show when={t().taxNote}>
          <tr>
            <td colSpan={2} class="text-muted text-sm pt-1">{t().taxNote}</td>
          </tr>
        </Show>
      </tbody>
    </table>
  );
}
