// Catalog business events, written to the outbox in the same transaction as the change (topic "event": the
// webhooks module fans them out to subscribers).
import { addOutbox } from "../../jobs/outbox.ts";
import type { StoreTx } from "../../db/tx.ts";

export type ProductEventType = "product.created" | "product.updated" | "product.deleted";

export async function emitProductEvent(tx: StoreTx, now: number, type: ProductEventType, productId: string, fields: Record<string, unknown> = {}): Promise<void> {
  // The key names the change; the outbox row id (the event's id, and its job's: eventJob.relayKey) keeps two updates
  // in one millisecond apart.
  await addOutbox(tx, now, { topic: "event", key: `${type}:${productId}:${now}`, payload: { type, productId, ...fields } });
}
