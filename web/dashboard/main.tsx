// Entry of the dashboard SPA, served under /admin by the Trafi server (src/http/dashboard.ts).
import { render } from "solid-js/web";
import { Route, Router } from "@solidjs/router";
import { Shell } from "./ui/Shell.tsx";
import { AcceptInvite, Login, ResetConfirm, ResetRequest } from "./pages/Login.tsx";
import { Overview } from "./pages/Overview.tsx";
import { ProductList } from "./pages/products/List.tsx";
import { ProductEdit } from "./pages/products/Edit.tsx";
import { Categories } from "./pages/products/Categories.tsx";
import { Collections } from "./pages/products/Collections.tsx";
import { StoreSettings } from "./pages/settings/Store.tsx";
import { Taxes } from "./pages/settings/Taxes.tsx";
import { Shipping } from "./pages/settings/Shipping.tsx";
import { Email } from "./pages/settings/Email.tsx";
import { Payments } from "./pages/settings/Payments.tsx";
import { ApiKeys } from "./pages/settings/ApiKeys.tsx";
import { Members } from "./pages/settings/Members.tsx";
import { Webhooks } from "./pages/settings/Webhooks.tsx";
import { Jobs } from "./pages/ops/Jobs.tsx";
import { Audit } from "./pages/ops/Audit.tsx";
import { NotFound } from "./pages/NotFound.tsx";
import { OrderList } from "./pages/orders/List.tsx";
import { OrderDetail } from "./pages/orders/Detail.tsx";
import { CustomerDetail, CustomerList } from "./pages/customers/Customers.tsx";

render(
  () => (
    <Router base="/admin">
      <Route path="/login" component={Login} />
      <Route path="/reset" component={ResetRequest} />
      <Route path="/reset-password" component={ResetConfirm} />
      <Route path="/accept-invite" component={AcceptInvite} />
      <Route path="/" component={Shell}>
        <Route path="/" component={Overview} />
        <Route path="/products" component={ProductList} />
        <Route path="/products/new" component={ProductEdit} />
        <Route path="/products/:id" component={ProductEdit} />
        <Route path="/categories" component={Categories} />
        <Route path="/orders" component={OrderList} />
        <Route path="/orders/:id" component={OrderDetail} />
        <Route path="/customers" component={CustomerList} />
        <Route path="/customers/:id" component={CustomerDetail} />
        <Route path="/collections" component={Collections} />
        <Route path="/settings" component={StoreSettings} />
        <Route path="/settings/taxes" component={Taxes} />
        <Route path="/settings/shipping" component={Shipping} />
        <Route path="/settings/payments" component={Payments} />
        <Route path="/settings/email" component={Email} />
        <Route path="/settings/api-keys" component={ApiKeys} />
        <Route path="/settings/members" component={Members} />
        <Route path="/settings/webhooks" component={Webhooks} />
        <Route path="/ops/jobs" component={Jobs} />
        <Route path="/ops/audit" component={Audit} />
        <Route path="*" component={NotFound} />
      </Route>
    </Router>
  ),
  document.getElementById("app")!,
);
