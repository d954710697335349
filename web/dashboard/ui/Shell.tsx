// The frame of every signed-in page: a 64px rail (store switcher + top-level areas), a 240px sidebar (the
// sections of the current area) and the main column. Redirects to /login when there is no session.
import { For, Show, createMemo, createResource, type JSX } from "solid-js";
import { A, useLocation, useNavigate } from "@solidjs/router";
import { currentStore, loadSession, logout, me, selectStore } from "../lib/session.ts";
import { session as client } from "../lib/api.ts";
import { Loading, Notices } from "./kit.tsx";

interface Area {
  id: string;
  label: string;
  short: string;
  href: string;
  match: (p: string) => boolean;
  sections: { label: string; href: string }[];
}

export const AREAS: Area[] = [
  { id: "overview", label: "Overview", short: "OV", href: "/", match: (p) => p === "/", sections: [{ label: "Overview", href: "/" }] },
  {
    id: "catalog", label: "Catalog", short: "CA", href: "/products",
    match: (p) => /^\/(products|categories|collections)/.test(p),
    sections: [
      { label: "Products", href: "/products" },
      { label: "Categories", href: "/categories" },
      { label: "Collections", href: "/collections" },
    ],
  },
  { id: "orders", label: "Orders", short: "OR", href: "/orders", match: (p) => p.startsWith("/orders"), sections: [{ label: "Orders", href: "/orders" }] },
  { id: "customers", label: "Customers", short: "CU", href: "/customers", match: (p) => p.startsWith("/customers"), sections: [{ label: "Customers", href: "/customers" }] },
  {
    id: "settings", label: "Settings", short: "ST", href: "/settings",
    match: (p) => p.startsWith("/settings"),
    sections: [
      { label: "Store", href: "/settings" },
      { label: "Taxes", href: "/settings/taxes" },
      { label: "Shipping", href: "/settings/shipping" },
      { label: "Payments", href: "/settings/payments" },
      { label: "Email", href: "/settings/email" },
      { label: "API keys", href: "/settings/api-keys" },
      { label: "Members & roles", href: "/settings/members" },
      { label: "Webhooks", href: "/settings/webhooks" },
    ],
  },
  {
    id: "ops", label: "Ops", short: "OP", href: "/ops/jobs",
    match: (p) => p.startsWith("/ops"),
    sections: [
      { label: "Jobs", href: "/ops/jobs" },
      { label: "Audit log", href: "/ops/audit" },
    ],
  },
];

/** The router's pathname keeps the /admin base; areas, sections and ?next= are declared without it. */
const stripBase = (p: string) => p.replace(/^\/admin(?=\/|$)/, "") || "/";

export function Shell(props: { children?: JSX.Element }) {
  const location = useLocation();
  const navigate = useNavigate();
  // Both a 401 from any call and a missing session lead to the login page, once, keeping where we were going.
  const toLogin = () => {
    const here = stripBase(location.pathname);
    if (here !== "/login") navigate(`/login?next=${encodeURIComponent(here + location.search)}`, { replace: true });
  };
  client.onUnauthorized(toLogin);
  const [ready] = createResource(async () => {
    const view = me() ?? (await loadSession());
    if (!view) toLogin();
    return view;
  });
  const path = createMemo(() => stripBase(location.pathname));
  const area = createMemo(() => AREAS.find((a) => a.match(path())) ?? AREAS[0]!);
  const sectionActive = (href: string) => href === path() || (href !== "/" && href !== "/settings" && path().startsWith(href + "/"));

  return (
    <Show when={ready() && me()} fallback={<Loading label="Opening your store…" />}>
      <a href="#main" class="skip-link">Skip to content</a>
      <div class="grid min-h-screen" style={{ "grid-template-columns": "64px 240px 1fr" }}>
        <nav aria-label="Areas" class="border-r border-line flex flex-col items-center py-3 gap-2 bg-bg">
          <A href="/" class="w-10 h-10 flex items-center justify-center bg-lime text-bg font-bold font-mono no-underline"><span aria-hidden="true">T</span><span class="sr-only">Trafi home</span></A>
          <div class="h-px w-8 bg-line my-1" aria-hidden="true" />
          <For each={AREAS}>
            {(a) => (
              <A
                href={a.href}
                title={a.label}
                aria-current={area().id === a.id ? "page" : undefined}
                class={`w-10 h-10 flex items-center justify-center border font-mono text-xs no-underline ${area().id === a.id ? "border-lime text-lime" : "border-line text-muted hover:text-fg hover:border-fg"}`}
              >
                <span aria-hidden="true">{a.short}</span>
                <span class="sr-only">{a.label}</span>
              </A>
            )}
          </For>
        </nav>
        <aside class="border-r border-line flex flex-col">
          <div class="border-b border-line p-3">
            <Show when={(me()?.stores.length ?? 0) > 1} fallback={<p class="m-0 font-bold truncate">{currentStore()?.storeName}</p>}>
              <label class="label" for="store-switcher">Store</label>
              <select id="store-switcher" class="input" value={currentStore()?.storeId} onChange={(e) => { selectStore(e.currentTarget.value); path() === "/" ? window.location.reload() : navigate("/"); }}>
                <For each={me()?.stores}>{(s) => <option value={s.storeId} selected={s.storeId === currentStore()?.storeId}>{s.storeName}</option>}</For>
              </select>
            </Show>
            <p class="m-0 mt-1 text-xs text-muted mono truncate">{currentStore()?.storeId}</p>
          </div>
          <nav aria-label={`${area().label} sections`} class="flex-1 py-2">
            <p class="label px-3 mt-2">{area().label}</p>
            <ul class="list-none m-0 p-0">
              <For each={area().sections}>
                {(s) => (
                  <li>
                    <A
                      href={s.href}
                      end
                      aria-current={sectionActive(s.href) ? "page" : undefined}
                      class={`block px-3 py-1.5 no-underline border-l-2 ${sectionActive(s.href) ? "border-lime text-fg bg-panel" : "border-transparent text-muted hover:text-fg"}`}
                    >
                      {s.label}
                    </A>
                  </li>
                )}
              </For>
            </ul>
          </nav>
          <div class="border-t border-line p-3 text-xs">
            <p class="m-0 truncate" title={me()?.user.email}>{me()?.user.email}</p>
            <p class="m-0 text-muted">{currentStore()?.role}</p>
            <button type="button" class="btn mt-2 text-xs" onClick={async () => { await logout(); navigate("/login", { replace: true }); }}>Log out</button>
          </div>
        </aside>
        <main id="main" tabindex="-1" class="min-w-0">{props.children}</main>
      </div>
      <Notices />
    </Show>
  );
}
