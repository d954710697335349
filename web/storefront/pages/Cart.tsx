// The cart: each line with its quantity (changed on Enter or when the field is left; 0 removes) and a remove
// button, the server's totals, and the price changes the cart reports (catalog prices that moved since the line was
// added), which the buyer accepts before paying.
import { For, Show, createSignal, onMount } from "solid-js";
import { A } from "@solidjs/router";
import { ApiError, describe, detailNumber } from "../lib/api.ts";
import { acceptPrices, cart, loadCart, removeLine, setQuantity } from "../lib/cart.ts";
import { money } from "../lib/format.ts";
import { useTitle } from "../lib/shop.ts";
import type { CartLine } from "../lib/types.ts";
import { ErrorAlert, Loading, TotalsTable } from "../ui/kit.tsx";

export function CartPage() {
  useTitle(() => "Your cart");
  const [loaded, setLoaded] = createSignal(false);
  const [error, setError] = createSignal<unknown>(null);
  const [errorText, setErrorText] = createSignal<string | undefined>();
  const [busy, setBusy] = createSignal<string | null>(null);
  const [notice, setNotice] = createSignal("");

  const load = async () => {
    setError(null);
    try {
      await loadCart();
    } catch (e) {
      setError(e);
    } finally {
      setLoaded(true);
    }
  };
  onMount(() => void load());

  const run = async (key: string, fn: () => Promise<unknown>, done: string, line?: CartLine) => {
    if (busy() !== null) return;
    setBusy(key);
    setError(null);
    setErrorText(undefined);
    setNotice("");
    try {
      await fn();
      setNotice(done);
    } catch (e) {
      setError(e);
      const available = detailNumber(e, "available");
      if (e instanceof ApiError && e.reason === "cart.insufficient_stock" && line && available !== null) {
        setErrorText(available === 0 ? `Sorry, ${line.title} is now out of stock. Remove it to check out.` : `Sorry, only ${available} of ${line.title} left.`);
      }
    } finally {
      setBusy(null);
    }
  };

  const changeQuantity = (line: CartLine, input: HTMLInputElement) => {
    const q = Number(input.value);
    if (!Number.isInteger(q) || q < 0 || q > 10_000) {
      input.value = String(line.quantity);
      setError(new ApiError(422, "VALIDATION", "request.invalid", "", null, undefined));
      setErrorText(`Enter a whole number of ${line.title} between 0 and 10000.`);
      return;
    }
    if (q === line.quantity) return;
    void run(line.id, () => setQuantity(line.id, q), q === 0 ? `Removed ${line.title}.` : `${line.title}: quantity ${q}.`, line).then(() => {
      const kept = cart()?.lines.find((l) => l.id === line.id);
      // A refused change puts the field back to what the cart holds; a removed line's row is gone.
      if (kept) input.value = String(kept.quantity);
      else refocus();
    });
  };

  // The removed row took the focused button with it: the page heading is the nearest sensible place.
  const refocus = () => document.getElementById("cart-title")?.focus();
  const titleOf = (lineId: string) => cart()?.lines.find((l) => l.id === lineId)?.title ?? "An item";

  return (
    <>
      <h1 id="cart-title" tabindex="-1" class="text-3xl font-bold mt-0 mb-6">Your cart</h1>
      <div role="status" class="sr-only">{notice()}</div>
      <Show when={error()}>
        <ErrorAlert error={error()} message={errorText() ?? describe(error())} />
      </Show>
      <Show when={loaded()} fallback={<Loading label="Loading your cart…" />}>
        <Show
          when={cart() && cart()!.lines.length > 0 && cart()}
          fallback={
            <div>
              <p>Your cart is empty.</p>
              <p><A href="/" class="link">Continue shopping</A></p>
            </div>
          }
        >
          {(c) => (
            <div class="grid gap-10 md:grid-cols-[1fr_320px]">
              <section aria-labelledby="lines-title">
                <h2 id="lines-title" class="sr-only">Items</h2>
                <Show when={c().priceChanges.length > 0}>
                  <div class="alert-warn mb-6">
                    <p class="m-0 font-medium">Some prices changed since you added these items:</p>
                    <ul class="my-2 pl-5">
                      <For each={c().priceChanges}>
                        {(pc) => (
                          <li>
                            {titleOf(pc.lineId)}: {pc.new ? `now ${money(pc.new)} (was ${money(pc.old)})` : "no longer for sale — remove it to check out"}
                          </li>
                        )}
                      </For>
                    </ul>
                    <Show when={c().priceChanges.every((pc) => pc.new)}>
                      <button type="button" class="btn" disabled={busy() !== null} onClick={() => void run("prices", acceptPrices, "Your cart now uses the current prices.")}>
                        Use the current prices
                      </button>
                    </Show>
                  </div>
                </Show>
                <ul class="list-none m-0 p-0 border-t border-line">
                  <For each={c().lines}>
                    {(line) => (
                      <li class="py-4 border-b border-line grid gap-3 grid-cols-[1fr_auto] items-start">
                        <div>
                          <p class="m-0 font-semibold">{line.title}</p>
                          <p class="m-0 text-sm text-muted tabular">{money(line.unitPrice)} each<Show when={line.sku}> · SKU {line.sku}</Show></p>
                          <div class="mt-3 flex items-end gap-3">
                            <div>
                              <label class="label" for={`qty-${line.id}`}>Quantity<span class="sr-only"> of {line.title}</span></label>
                              <input id={`qty-${line.id}`} class="input w-24" type="number" inputmode="numeric" min="0" max="10000" step="1"
                                value={line.quantity} readOnly={busy() === line.id} aria-busy={busy() === line.id}
                                onChange={(e) => changeQuantity(line, e.currentTarget)} />
                            </div>
                            <button type="button" class="btn"
                              onClick={() => void run(line.id, () => removeLine(line.id), `Removed ${line.title}.`).then(() => { if (!cart()?.lines.some((l) => l.id === line.id)) refocus(); })}>
                              Remove<span class="sr-only"> {line.title}</span>
                            </button>
                          </div>
                        </div>
                        <p class="m-0 font-semibold tabular text-right">{money(line.total)}</p>
                      </li>
                    )}
                  </For>
                </ul>
              </section>
              <section aria-labelledby="summary-title" class="card p-5 h-fit">
                <h2 id="summary-title" class="text-lg font-semibold mt-0 mb-3">Summary</h2>
                <TotalsTable totals={c()} shippingKnown={c().shippingMethod !== null} taxEstimated={c().taxEstimated} />
                <A href="/checkout" class="btn-primary w-full mt-4 no-underline">Check out</A>
                <p class="text-sm text-muted mt-3 mb-0">No account needed.</p>
              </section>
            </div>
          )}
        </Show>
      </Show>
    </>
  );
}
