// Admin routes of the inventory module: locations, levels, per-variant stock, adjustments and reservations.
import { Elysia, t } from "elysia";
import type { Platform } from "../../platform.ts";
import { adminAuth } from "../../http/auth.ts";
import { ErrorResponses, pageOf } from "../../http/models.ts";
import {
  AdjustmentView, AdjustmentsQuery, CommitView, CreateAdjustmentBody, CreateLocationBody, CreateReservationBody, CreateTransferBody, LevelView, TransferView,
  LevelsQuery, LocationView, ReservationView, ReservationsQuery, UpdateVariantStockBody, VariantStockView,
} from "./inventory.models.ts";
import { listAdjustments, listLevels, variantStock } from "./levels.ts";
import { commitReservation, getReservation, listReservations, release, reserve, stateOf, type ReservationRow } from "./reservations.ts";
import { adjustStock, createLocation, listLocations, setLowStockThreshold, transferStock, type AdjustmentRow } from "./stock.ts";

const tags = ["Inventory"];
const iso = (ms: number) => new Date(ms).toISOString();
const E409 = { 409: ErrorResponses[422] };
const IdParams = t.Object({ id: t.String({ maxLength: 64 }) });
const VariantParams = t.Object({ variantId: t.String({ maxLength: 64 }) });

const adjustmentView = (a: AdjustmentRow) => ({ ...a, createdAt: iso(a.createdAt) });
const reservationView = (r: ReservationRow, now: number) => ({
  ...r, status: stateOf(r, now), expiresAt: r.expiresAt === null ? null : iso(r.expiresAt), createdAt: iso(r.createdAt), updatedAt: iso(r.updatedAt),
});
const locationView = (l: { id: string; name: string; isDefault: boolean; createdAt: number }) => ({ ...l, createdAt: iso(l.createdAt) });

export const inventoryAdminRoutes = (platform: Platform) =>
  new Elysia({ prefix: "/v1/admin/inventory" })
    .use(adminAuth(platform))
    .get("/locations", async ({ ctx }) => ({ data: (await listLocations(ctx)).map(locationView), nextCursor: null }), {
      permission: "inventory:read", response: { 200: pageOf(LocationView), ...ErrorResponses }, detail: { tags, summary: "Stock locations" },
    })
    .post("/locations", async ({ ctx, body, set }) => {
      const l = await createLocation(ctx, body.name);
      set.status = 201;
      return locationView(l);
    }, {
      permission: "inventory:write", body: CreateLocationBody, response: { 201: LocationView, ...ErrorResponses, ...E409 }, detail: { tags, summary: "Add a stock location" },
    })
    .get("/levels", ({ ctx, query }) => listLevels(ctx, query), {
      permission: "inventory:read", query: LevelsQuery, response: { 200: pageOf(LevelView), ...ErrorResponses },
      detail: { tags, summary: "Stock levels (on hand, reserved, available) by variant and location" },
    })
    .get("/variants/:variantId", ({ ctx, params }) => variantStock(ctx, params.variantId), {
      permission: "inventory:read", params: VariantParams, response: { 200: VariantStockView, ...ErrorResponses },
      detail: { tags, summary: "A variant's stock over all locations" },
    })
    .patch("/variants/:variantId", async ({ ctx, params, body }) => {
      await setLowStockThreshold(ctx, params.variantId, body.lowStockThreshold);
      return variantStock(ctx, params.variantId);
    }, {
      permission: "inventory:write", params: VariantParams, body: UpdateVariantStockBody, response: { 200: VariantStockView, ...ErrorResponses },
      detail: { tags, summary: "Set a variant's low-stock threshold (inventory.low fires when available drops below it)" },
    })
    .get("/adjustments", async ({ ctx, query }) => {
      const page = await listAdjustments(ctx, query);
      return { data: page.data.map(adjustmentView), nextCursor: page.nextCursor };
    }, {
      permission: "inventory:read", query: AdjustmentsQuery, response: { 200: pageOf(AdjustmentView), ...ErrorResponses },
      detail: { tags, summary: "The stock ledger, newest first" },
    })
    .post("/adjustments", async ({ ctx, body, set }) => {
      const a = await adjustStock(ctx, body);
      set.status = 201;
      return adjustmentView(a);
    }, {
      permission: "inventory:write", body: CreateAdjustmentBody, response: { 201: AdjustmentView, ...ErrorResponses, ...E409 },
      detail: { tags, summary: "Change on-hand stock with a reason (ledger row + audit entry)" },
    })
    .post("/transfers", async ({ ctx, body, set }) => {
      const r = await transferStock(ctx, body);
      set.status = 201;
      return { out: adjustmentView(r.out), in: adjustmentView(r.in) };
    }, {
      permission: "inventory:write", body: CreateTransferBody, response: { 201: TransferView, ...ErrorResponses, ...E409 },
      detail: { tags, summary: "Move stock between two locations in one step (two ledger rows, reason transfer); the source keeps what its holds need" },
    })
    .get("/reservations", async ({ ctx, query }) => {
      const page = await listReservations(ctx, query);
      const now = ctx.clock.now();
      return { data: page.data.map((r) => reservationView(r, now)), nextCursor: page.nextCursor };
    }, {
      permission: "inventory:read", query: ReservationsQuery, response: { 200: pageOf(ReservationView), ...ErrorResponses },
      detail: { tags, summary: "Reservations (checkout holds), newest first" },
    })
    .post("/reservations", async ({ ctx, body, set }) => {
      const now = ctx.clock.now();
      const { ttlSeconds, ...rest } = body;
      const r = await reserve(ctx, { ...rest, expiresAt: ttlSeconds === undefined ? null : now + ttlSeconds * 1000 });
      set.status = 201;
      return reservationView(r, now);
    }, {
      permission: "inventory:write", body: CreateReservationBody, response: { 201: ReservationView, ...ErrorResponses, ...E409 },
      detail: { tags, summary: "Hold stock (409 inventory.insufficient_stock when not enough is available)" },
    })
    .get("/reservations/:id", async ({ ctx, params }) => reservationView(await getReservation(ctx, params.id), ctx.clock.now()), {
      permission: "inventory:read", params: IdParams, response: { 200: ReservationView, ...ErrorResponses }, detail: { tags, summary: "One reservation" },
    })
    .post("/reservations/:id/release", async ({ ctx, params }) => reservationView(await release(ctx, params.id), ctx.clock.now()), {
      permission: "inventory:write", params: IdParams, response: { 200: ReservationView, ...ErrorResponses, ...E409 }, detail: { tags, summary: "Release a hold" },
    })
    .post("/reservations/:id/commit", async ({ ctx, params }) => {
      const { reservation, adjustment } = await commitReservation(ctx, params.id);
      return { reservation: reservationView(reservation, ctx.clock.now()), adjustment: adjustment ? adjustmentView(adjustment) : null };
    }, {
      permission: "inventory:write", params: IdParams, response: { 200: CommitView, ...ErrorResponses, ...E409 },
      detail: { tags, summary: "Turn a hold into a sale: on-hand stock goes down through a 'sold' ledger row" },
    });
