// Webhook endpoints: the merchant's receivers. URLs are checked (scheme, public address) before the write, never
// inside the transaction (DNS is network I/O); the secret is sealed at rest and shown once.
import { randomBytes } from "node:crypto";
import { and, desc, eq, lt } from "drizzle-orm";
import type { Ctx } from "../../kernel/context.ts";
import { NotFound } from "../../kernel/errors.ts";
import { newId } from "../../kernel/ids.ts";
import { seal } from "../../kernel/seal.ts";
import { toPage, type Page } from "../../kernel/pagination.ts";
import { withTx } from "../../db/tx.ts";
import { recordAudit } from "../audit/index.ts";
import { checkWebhookUrl, type Resolver } from "./url-guard.ts";
import { webhookEndpoints } from "./webhooks.tables.ts";

export const SECRET_PURPOSE = "webhook";

export interface WebhookDeps {
  masterKey: Uint8Array;
  allowPrivate: boolean;
  resolve?: Resolver;
}

type Row = typeof webhookEndpoints.$inferSelect;

export const endpointView = (r: Row) => ({
  id: r.id,
  url: r.url,
  description: r.description,
  events: r.events,
  enabled: r.enabled,
  createdAt: new Date(r.createdAt).toISOString(),
  updatedAt: new Date(r.updatedAt).toISOString(),
});
export type EndpointView = ReturnType<typeof endpointView>;

/** Does a subscription ("order.placed", "changeset.*", "*") cover an event type? */
export function subscribes(events: readonly string[], type: string): boolean {
  return events.some((e) => e === "*" || e === type || (e.endsWith(".*") && type.startsWith(e.slice(0, -1))));
}

export async function findEndpoint(ctx: Pick<Ctx, "store">, id: string): Promise<Row> {
  const row = (await ctx.store.db.select().from(webhookEndpoints).where(eq(webhookEndpoints.id, id)))[0];
  if (!row) throw new NotFound("webhook_endpoint", id);
  return row;
}

export async function listEndpoints(ctx: Ctx, q: { limit: number; before?: string | undefined }): Promise<Page<EndpointView>> {
  const rows = await ctx.store.db
    .select()
    .from(webhookEndpoints)
    .where(q.before ? lt(webhookEndpoints.id, q.before) : undefined)
    .orderBy(desc(webhookEndpoints.id))
    .limit(q.limit + 1);
  const page = toPage(rows, q.limit);
  return { data: page.data.map(endpointView), nextCursor: page.nextCursor };
}

export interface CreateEndpointInput {
  url: string;
  events: string[];
  description?: string | undefined;
  enabled?: boolean | undefined;
  secret?: string | undefined;
}

export async function createEndpoint(ctx: Ctx, deps: WebhookDeps, input: CreateEndpointInput): Promise<{ endpoint: EndpointView; secret: string }> {
  const url = await checkWebhookUrl(input.url, { ...deps, log: ctx.log });
  const secret = input.secret ?? `whsec_${randomBytes(32).toString("base64url")}`;
  const now = ctx.clock.now();
  const row: Row = {
    id: newId("whk", now),
    url: url.toString(),
    description: input.description ?? null,
    secretSealed: seal(deps.masterKey, SECRET_PURPOSE, secret),
    events: [...new Set(input.events)],
    enabled: input.enabled ?? true,
    createdAt: now,
    updatedAt: now,
  };
  await withTx(ctx, async (tx) => {
    await tx.insert(webhookEndpoints).values(row);
    const { secretSealed: _, ...after } = row;
    await recordAudit(tx, ctx, { action: "webhook_endpoint.created", targetType: "webhook_endpoint", targetId: row.id, after });
  });
  return { endpoint: endpointView(row), secret };
}

export async function updateEndpoint(
  ctx: Ctx,
  deps: WebhookDeps,
  id: string,
  patch: { url?: string | undefined; events?: string[] | undefined; description?: string | null | undefined; enabled?: boolean | undefined },
): Promise<EndpointView> {
  const url = patch.url !== undefined ? (await checkWebhookUrl(patch.url, { ...deps, log: ctx.log })).toString() : undefined;
  const row = await withTx(ctx, async (tx) => {
    const before = (await tx.select().from(webhookEndpoints).where(eq(webhookEndpoints.id, id)))[0];
    if (!before) throw new NotFound("webhook_endpoint", id);
    const set = {
      ...(url !== undefined ? { url } : {}),
      ...(patch.events !== undefined ? { events: [...new Set(patch.events)] } : {}),
      ...(patch.description !== undefined ? { description: patch.description } : {}),
      ...(patch.enabled !== undefined ? { enabled: patch.enabled } : {}),
      updatedAt: ctx.clock.now(),
    };
    const after = (await tx.update(webhookEndpoints).set(set).where(eq(webhookEndpoints.id, id)).returning())[0]!;
    const strip = ({ secretSealed: _, ...r }: Row) => r;
    await recordAudit(tx, ctx, { action: "webhook_endpoint.updated", targetType: "webhook_endpoint", targetId: id, before: strip(before), after: strip(after) });
    return after;
  });
  return endpointView(row);
}

export async function deleteEndpoint(ctx: Ctx, id: string): Promise<void> {
  await withTx(ctx, async (tx) => {
    const gone = await tx.delete(webhookEndpoints).where(and(eq(webhookEndpoints.id, id))).returning({ id: webhookEndpoints.id, url: webhookEndpoints.url });
    if (gone.length === 0) throw new NotFound("webhook_endpoint", id);
    await recordAudit(tx, ctx, { action: "webhook_endpoint.deleted", targetType: "webhook_endpoint", targetId: id, before: gone[0] });
  });
}
