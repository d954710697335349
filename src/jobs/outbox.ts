// Writing to the outbox. Call inside the withTx of the change the effect belongs to.
// The relay (jobs module) moves rows to the queue after commit; see outbox.tables.ts for the guarantees.
import type { StoreTx } from "../db/tx.ts";
import { insertRow } from "../db/prepared.ts";
import type { ControlDb } from "../db/client.ts";
import { newId } from "../kernel/ids.ts";
import { outbox } from "./outbox.tables.ts";
import { controlOutbox } from "./control-outbox.tables.ts";

export interface OutboxInput {
  topic: string;
  key: string;
  payload: Record<string, unknown>;
}

/** Store effect, in the store transaction. Returns the outbox row id. */
export async function addOutbox(tx: StoreTx, now: number, input: OutboxInput): Promise<string> {
  const id = newId("evt", now);
  await insertRow(tx, outbox, { id, topic: input.topic, key: input.key, payload: input.payload, createdAt: now });
  return id;
}

type ControlTx = Parameters<Parameters<ControlDb["transaction"]>[0]>[0];

/** Platform effect, in a control-DB transaction (or directly on the control db under control.write). */
export async function addControlOutbox(tx: ControlTx | ControlDb, now: number, input: OutboxInput): Promise<string> {
  const id = newId("evt", now);
  await tx.insert(controlOutbox).values({ id, topic: input.topic, key: input.key, payload: input.payload, createdAt: now });
  return id;
}
