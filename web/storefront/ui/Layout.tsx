// The frame of every page: a skip link, the header (store name, cart link with its item count), the page in <main>,
// and a footer with the buyer's last order. After a client-side navigation focus moves to <main>, so keyboard and
// screen-reader users start at the new page instead of the link they left.
import { Show, createEffect, on, onMount, type JSX } from "solid-js";
import { A, useLocation } from "@solidjs/router";
import { itemCount, loadCart } from "../lib/cart.ts";
import { loadProfile, profileError, shopName } from "../lib/shop.ts";
import { lastOrder, orderHref } from "../lib/storage.ts";
import { ErrorAlert } from "./kit.tsx";

export function Layout(props: { children?: JSX.Element }) {
  const location = useLocation();
  let main: HTMLElement | undefined;
  onMount(() => {
    void loadProfile();
    loadCart().catch(() => {
      /* the cart page shows cart errors; the header just shows no count */
    });
  });
  createEffect(
    on(
      () => location.pathname,
      () => main?.focus(),
      { defer: true },
    ),
  );
  // Read again after each navigation: the checkout writes it just before it navigates to the order.
  const last = () => (location.pathname ? lastOrder() : null);
  return (
    <div class="min-h-screen flex flex-col">
      <a href="#main" class="skip-link">Skip to content</a>
      <header class="border-b border-line bg-paper">
        <div class="max-w-6xl mx-auto px-4 py-4 flex items-center justify-between gap-4">
          <A href="/" class="text-xl font-bold no-underline text-ink">{shopName()}</A>
          <nav aria-label="Shop">
            <ul class="flex items-center gap-5 list-none m-0 p-0">
              <li><A href="/" end class="no-underline hover:underline">Products</A></li>
              <li>
                <A href="/cart" class="no-underline hover:underline inline-flex items-center gap-2">
                  Cart
                  <span class="inline-block min-w-6 text-center rounded-full bg-ink text-white text-sm px-2 tabular">{itemCount()}</span>
                  <span class="sr-only">{itemCount() === 1 ? "item" : "items"}</span>
                </A>
              </li>
            </ul>
          </nav>
        </div>
      </header>
      <main id="main" ref={main} tabindex="-1" class="flex-1 w-full max-w-6xl mx-auto px-4 py-8">
        <Show when={profileError()}>
          <ErrorAlert error={profileError()} />
        </Show>
        {props.children}
      </main>
      <footer class="border-t border-line bg-soft">
        <div class="max-w-6xl mx-auto px-4 py-6 text-sm text-muted flex flex-wrap gap-x-6 gap-y-2 justify-between">
          <p class="m-0">{shopName()} · a Trafi reference storefront · test payments only (sandbox cards)</p>
          <Show when={last()}>
            {(o) => (
              <p class="m-0">
                <A href={orderHref(o())} class="link">Your last order, #{o().number}</A>
              </p>
            )}
          </Show>
        </div>
      </footer>
    </div>
  );
}
