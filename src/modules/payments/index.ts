// The payments module's public API: the provider seam and registry, the sandbox provider, payment records and
// settings. Provider calls never run inside withTx (see provider.ts).
import { registerProvider } from "./provider.ts";
import { sandboxProvider } from "./sandbox.ts";

export * from "./provider.ts";
export { sandboxProvider, SANDBOX_CARDS, sandboxChallengeUrl } from "./sandbox.ts";
export { sandboxChallengeRoutes } from "./sandbox-3ds.ts";
export {
  getPaymentSettings, updatePaymentSettings, seedPayments, recordPaymentEvent, insertPayment, paymentRow, paymentView, paymentEventsOf,
  type PaymentRow, type PaymentSettingsOut,
} from "./payments.ts";
export { payments, paymentEvents, paymentSettings, type PaymentStatus } from "./payments.tables.ts";
export { paymentsAdminRoutes } from "./routes.ts";

registerProvider(sandboxProvider);
