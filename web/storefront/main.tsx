// Entry of the reference storefront, served at / by the Trafi server (src/http/storefront.ts). Pages: products,
// product, cart, checkout, order, and a 404 for anything else.
import { render } from "solid-js/web";
import { Route, Router } from "@solidjs/router";
import { Layout } from "./ui/Layout.tsx";
import { Home } from "./pages/Home.tsx";
import { ProductPage } from "./pages/Product.tsx";
import { CartPage } from "./pages/Cart.tsx";
import { Checkout } from "./pages/Checkout.tsx";
import { OrderPage } from "./pages/Order.tsx";
import { NotFound } from "./pages/NotFound.tsx";

render(
  () => (
    <Router root={Layout}>
      <Route path="/" component={Home} />
      <Route path="/products/:handle" component={ProductPage} />
      <Route path="/cart" component={CartPage} />
      <Route path="/checkout" component={Checkout} />
      <Route path="/orders/:id" component={OrderPage} />
      <Route path="*" component={() => <NotFound />} />
    </Router>
  ),
  document.getElementById("app")!,
);
