// The customers module's public API (minimal: guest customers by e-mail; accounts come later).
export { customerForOrderInTx, getCustomer, listCustomers, customerView, type CustomerRow } from "./customers.ts";
export { customers } from "./customers.tables.ts";
