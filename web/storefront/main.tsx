// Entry of the reference storefront, served at / by the Trafi server (src/http/storefront.ts). Pages: products,
// product, cart, checkout, order, and a 404 for anything else. The paths are listed once, in routes.ts, which the
// server also reads to answer 404 (with this app's shell) for any other path: add a page there, and here in PAGES.
import { render } from "solid-js/web";
import type { Component } from "solid-js";
import { Route, Router } from "@solidjs/router";
import { Layout } from "./ui/Layout.tsx";
import { Home } from "./pages/Home.tsx";
import { ProductPage } from "./pages/Product.tsx";
import { CartPage } from "./pages/Cart.tsx";
import { Checkout } from "./pages/Checkout.tsx";
import { OrderPage } from "./pages/Order.tsx";
import { NotFound } from "./pages/NotFound.tsx";
import { STOREFRONT_ROUTES, type StorefrontRoute } from "./routes.ts";

// Keyed by the shared list: a route without a page, or a page under a path the server does not know, fails tsc.
const PAGES: Record<StorefrontRoute, Component> = {
  "/": Home,
  "/products/:handle": ProductPage,
  "/cart": CartPage,
  "/checkout": Checkout,
  "/orders/:id": OrderPage,
};

render(
  () => (
    <Router root={Layout}>
      {STOREFRONT_ROUTES.map((path) => <Route path={path} component={PAGES[path]} />)}
      <Route path="*" component={() => <NotFound />} />
    </Router>
  ),
  document.getElementById("app")!,
);
