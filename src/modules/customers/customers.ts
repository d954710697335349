// Customers: found or created by e-mail in the order's transaction (guest checkout), listed for the admin.
import { and, desc, eq, lt, sql } from "drizzle-orm";
import type { Ctx } from "../../kernel/context.ts";
import { NotFound } from "../../kernel/errors.ts";
import { isId, newId } from "../../kernel/ids.ts";
import { decodeCursor, toPage } from "../../kernel/pagination.ts";
import { dbOf, type StoreTx } from "../../db/tx.ts";
import { insertRow, prepared, updateById } from "../../db/prepared.ts";
import { addOutbox } from "../../jobs/index.ts";
import { recordAudit } from "../audit/index.ts";
import { customers } from "./customers.tables.ts";

export type CustomerRow = typeof customers.$inferSelect;
const iso = (ms: number) => new Date(ms).toISOString();

export const customerView = (c: CustomerRow) => ({
  id: c.id, email: c.email, firstName: c.firstName, lastName: c.lastName, ordersCount: c.ordersCount, createdAt: iso(c.createdAt), updatedAt: iso(c.updatedAt),
});

/** The customer of an order: the same e-mail (case-insensitive) is the same customer, so a returning guest is recognised. */
export async function customerForOrderInTx(
  tx: StoreTx, ctx: Pick<Ctx, "actor" | "requestId" | "clock">, input: { email: string; firstName?: string | null; lastName?: string | null },
): Promise<CustomerRow> {
  const email = input.email.toLowerCase();
  const now = ctx.clock.now();
  const found = (await prepared(dbOf(tx), "customer.byEmail", (d) => d.select().from(customers).where(eq(customers.email, sql.placeholder("email"))).prepare()).all({ email }))[0];
  if (found) {
    // Read in this transaction, under the store lock: the count cannot have moved since.
    await updateById(tx, customers, found.id, { ordersCount: found.ordersCount + 1, updatedAt: now });
    return { ...found, ordersCount: found.ordersCount + 1, updatedAt: now };
  }
  const row: CustomerRow = { id: newId("cus", now), email, firstName: input.firstName ?? null, lastName: input.lastName ?? null, ordersCount: 1, createdAt: now, updatedAt: now };
  await insertRow(tx, customers, row);
  await recordAudit(tx, ctx, { action: "customer.created", targetType: "customer", targetId: row.id, after: { email } });
  await addOutbox(tx, now, { topic: "event", key: `customer.created:${row.id}`, payload: { type: "customer.created", customerId: row.id, email } });
  return row;
}

export async function listCustomers(ctx: Pick<Ctx, "store">, q: { limit?: number; cursor?: string; email?: string }) {
  const limit = q.limit ?? 20;
  const before = decodeCursor(q.cursor);
  const rows = await ctx.store.db.select().from(customers)
    // LIKE wildcards in the query are matched literally (an e-mail may hold an underscore), escaped with "\".
    .where(and(before ? lt(customers.id, before) : undefined, q.email ? sql`${customers.email} like ${`%${q.email.toLowerCase().replace(/[%_\\]/g, (c) => `\\${c}`)}%`} escape '\\'` : undefined))
    .orderBy(desc(customers.id)).limit(limit + 1);
  const page = toPage(rows, limit);
  return { data: page.data.map(customerView), nextCursor: page.nextCursor };
}

export async function getCustomer(ctx: Pick<Ctx, "store">, id: string): Promise<CustomerRow> {
  const c = isId("cus", id) ? (await ctx.store.db.select().from(customers).where(eq(customers.id, id)))[0] : undefined;
  if (!c) throw new NotFound("customer", id);
  return c;
}
