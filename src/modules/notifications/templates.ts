// E-mail templates: each has a TypeBox schema for its data and renders a subject, an HTML part and a text part.
// Every interpolated value is escaped in HTML (order lines and names come from buyers and merchants); links are
// accepted only as http(s) URLs. Money is formatted from integer minor units (kernel/money.ts).
import { t, type Static, type TSchema } from "elysia";
import { Value } from "@sinclair/typebox/value";
import { formatMoney, money, type Money } from "../../kernel/money.ts";
import { Int } from "../../kernel/schema.ts";

export const MoneySchema = t.Object({ amount: Int(), currency: t.String({ pattern: "^[A-Z]{3}$" }) }, { additionalProperties: false });
const Url = t.String({ pattern: "^https?://", maxLength: 2048 });
const Str = (max = 200) => t.String({ maxLength: max });

export function escapeHtml(value: unknown): string {
  return String(value).replace(/[&<>"'`=]/g, (c) => `&#${c.charCodeAt(0)};`);
}

const fmt = (m: Static<typeof MoneySchema>): string => formatMoney(money(m.amount, m.currency) as Money);

const OrderConfirmation = t.Object({
  orderNumber: Str(40),
  customerName: t.Optional(Str()),
  lines: t.Array(
    t.Object({ title: Str(), sku: t.Optional(Str(80)), quantity: Int({ minimum: 1 }), unitPrice: MoneySchema, total: MoneySchema }),
    { minItems: 1, maxItems: 500 },
  ),
  subtotal: MoneySchema,
  discountTotal: t.Optional(MoneySchema),
  shippingTotal: MoneySchema,
  taxTotal: MoneySchema,
  total: MoneySchema,
  /** Prices include the tax (the total is subtotal − discount + shipping): shown as "incl. tax", not added. */
  taxIncluded: t.Optional(t.Boolean()),
  orderUrl: t.Optional(Url),
});
const Shipping = t.Object({ orderNumber: Str(40), customerName: t.Optional(Str()), carrier: t.Optional(Str(80)), trackingNumber: Str(120), trackingUrl: Url });
const ReturnAuthorized = t.Object({
  orderNumber: Str(40), returnNumber: Str(50), customerName: t.Optional(Str()),
  lines: t.Array(t.Object({ title: Str(), quantity: Int({ minimum: 1 }) }), { minItems: 1, maxItems: 500 }),
});
const Refund = t.Object({ orderNumber: Str(40), customerName: t.Optional(Str()), amount: MoneySchema, reason: t.Optional(Str(500)) });
const ExpiresAt = t.String({ pattern: "^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}", maxLength: 40, description: "ISO 8601 date-time" });
const PasswordReset = t.Object({
  resetUrl: Url,
  expiresInMinutes: t.Optional(Int({ minimum: 1, maximum: 10_080 })),
  expiresAt: t.Optional(ExpiresAt),
  name: t.Optional(Str()),
});
const MemberInvite = t.Object({
  acceptUrl: Url,
  role: Str(60),
  /** Platform e-mails (control outbox) name the store here. */
  storeName: t.Optional(Str()),
  inviterName: t.Optional(Str()),
  expiresInDays: t.Optional(Int({ minimum: 1, maximum: 90 })),
  expiresAt: t.Optional(ExpiresAt),
});

/** "in 30 minutes" or "on 2026-05-02 09:30 UTC"; empty when unknown. */
function expiry(inMinutes: number | undefined, inDays: number | undefined, at: string | undefined): string {
  if (inMinutes !== undefined) return ` in ${inMinutes} minutes`;
  if (inDays !== undefined) return ` in ${inDays} days`;
  const ms = at === undefined ? NaN : Date.parse(at);
  return Number.isNaN(ms) ? "" : ` on ${new Date(ms).toISOString().slice(0, 16).replace("T", " ")} UTC`;
}

export interface Rendered {
  subject: string;
  html: string;
  text: string;
}

interface Template<S extends TSchema> {
  schema: S;
  render(data: Static<S>, store: { name: string }): Rendered;
}

const layout = (store: string, body: string): string =>
  `<!doctype html><html><head><meta charset="utf-8"><title>${escapeHtml(store)}</title></head>` +
  `<body style="font-family:system-ui,sans-serif;color:#111;max-width:600px;margin:0 auto;padding:24px">` +
  `<p style="font-weight:700;font-size:18px">${escapeHtml(store)}</p>${body}</body></html>`;
const link = (url: string, label: string) => `<a href="${escapeHtml(url)}">${escapeHtml(label)}</a>`;
const hello = (name: string | undefined) => (name ? `Hello ${name},` : "Hello,");

const orderConfirmation: Template<typeof OrderConfirmation> = {
  schema: OrderConfirmation,
  render(d, store) {
    const totals: Array<[string, string]> = [["Subtotal", fmt(d.subtotal)]];
    if (d.discountTotal && d.discountTotal.amount !== 0) totals.push(["Discount", fmt(d.discountTotal)]);
    if (d.taxIncluded) totals.push(["Shipping", fmt(d.shippingTotal)], ["Total", fmt(d.total)], ["incl. tax", fmt(d.taxTotal)]);
    else totals.push(["Shipping", fmt(d.shippingTotal)], ["Tax", fmt(d.taxTotal)], ["Total", fmt(d.total)]);
    const rows = d.lines
      .map((l) => `<tr><td>${escapeHtml(l.title)}${l.sku ? ` <small>(${escapeHtml(l.sku)})</small>` : ""}</td><td>${l.quantity} × ${escapeHtml(fmt(l.unitPrice))}</td><td style="text-align:right">${escapeHtml(fmt(l.total))}</td></tr>`)
      .join("");
    const sums = totals.map(([k, v]) => `<tr><td colspan="2">${k}</td><td style="text-align:right">${escapeHtml(v)}</td></tr>`).join("");
    return {
      subject: `Order ${d.orderNumber} confirmed — ${store.name}`,
      html: layout(
        store.name,
        `<p>${escapeHtml(hello(d.customerName))}</p><p>Thank you for your order <strong>${escapeHtml(d.orderNumber)}</strong>.</p>` +
          `<table style="width:100%;border-collapse:collapse">${rows}${sums}</table>` +
          (d.orderUrl ? `<p>${link(d.orderUrl, "View your order")}</p>` : ""),
      ),
      text: [
        hello(d.customerName),
        "",
        `Thank you for your order ${d.orderNumber}.`,
        "",
        ...d.lines.map((l) => `${l.quantity} × ${l.title}${l.sku ? ` (${l.sku})` : ""} — ${fmt(l.total)}`),
        "",
        ...totals.map(([k, v]) => `${k}: ${v}`),
        ...(d.orderUrl ? ["", `View your order: ${d.orderUrl}`] : []),
        "",
        store.name,
      ].join("\n"),
    };
  },
};

const shipping: Template<typeof Shipping> = {
  schema: Shipping,
  render(d, store) {
    const via = d.carrier ? ` with ${d.carrier}` : "";
    return {
      subject: `Order ${d.orderNumber} has shipped — ${store.name}`,
      html: layout(
        store.name,
        `<p>${escapeHtml(hello(d.customerName))}</p><p>Your order <strong>${escapeHtml(d.orderNumber)}</strong> is on its way${escapeHtml(via)}.</p>` +
          `<p>Tracking number: ${escapeHtml(d.trackingNumber)}</p><p>${link(d.trackingUrl, "Track your parcel")}</p>`,
      ),
      text: `${hello(d.customerName)}\n\nYour order ${d.orderNumber} is on its way${via}.\nTracking number: ${d.trackingNumber}\nTrack your parcel: ${d.trackingUrl}\n\n${store.name}`,
    };
  },
};

/** A return's e-mails say the same things at two moments: what it holds, what it is now, what comes next. */
function returnTemplate(state: string, next: string): Template<typeof ReturnAuthorized> {
  return {
    schema: ReturnAuthorized,
    render(d, store) {
      const items = d.lines.map((l) => `${l.quantity} × ${l.title}`);
      const then = next.replaceAll("{return}", d.returnNumber);
      return {
        subject: `Return ${d.returnNumber} for order ${d.orderNumber} ${state} — ${store.name}`,
        html: layout(
          store.name,
          `<p>${escapeHtml(hello(d.customerName))}</p><p>Your return <strong>${escapeHtml(d.returnNumber)}</strong> for order ${escapeHtml(d.orderNumber)} ${state}:</p>` +
            `<ul>${items.map((i) => `<li>${escapeHtml(i)}</li>`).join("")}</ul><p>${escapeHtml(then)}</p>`,
        ),
        text: `${hello(d.customerName)}\n\nYour return ${d.returnNumber} for order ${d.orderNumber} ${state}:\n${items.map((i) => `- ${i}`).join("\n")}\n${then}\n\n${store.name}`,
      };
    },
  };
}

const returnAuthorized = returnTemplate("is authorized", "Please write {return} on the parcel. We will tell you once it has arrived.");
const returnReceived = returnTemplate("has arrived", "You will get a separate e-mail for any refund.");

const refund: Template<typeof Refund> = {
  schema: Refund,
  render(d, store) {
    const amount = fmt(d.amount);
    return {
      subject: `Refund of ${amount} for order ${d.orderNumber} — ${store.name}`,
      html: layout(
        store.name,
        `<p>${escapeHtml(hello(d.customerName))}</p><p>We refunded <strong>${escapeHtml(amount)}</strong> for your order ${escapeHtml(d.orderNumber)}.</p>` +
          (d.reason ? `<p>Reason: ${escapeHtml(d.reason)}</p>` : "") +
          `<p>It can take a few days to appear on your statement.</p>`,
      ),
      text: `${hello(d.customerName)}\n\nWe refunded ${amount} for your order ${d.orderNumber}.\n${d.reason ? `Reason: ${d.reason}\n` : ""}It can take a few days to appear on your statement.\n\n${store.name}`,
    };
  },
};

const passwordReset: Template<typeof PasswordReset> = {
  schema: PasswordReset,
  render(d, store) {
    const when = expiry(d.expiresInMinutes, undefined, d.expiresAt);
    const expires = when ? ` The link expires${when}.` : "";
    return {
      subject: `Reset your ${store.name} password`,
      html: layout(
        store.name,
        `<p>${escapeHtml(hello(d.name))}</p><p>Someone asked to reset your password. ${link(d.resetUrl, "Choose a new password")}.${escapeHtml(expires)}</p>` +
          `<p>If it was not you, ignore this e-mail: your password stays the same.</p>`,
      ),
      text: `${hello(d.name)}\n\nSomeone asked to reset your password. Choose a new password: ${d.resetUrl}\n${expires.trim()}\n\nIf it was not you, ignore this e-mail: your password stays the same.\n\n${store.name}`,
    };
  },
};

const memberInvite: Template<typeof MemberInvite> = {
  schema: MemberInvite,
  render(d, platformStore) {
    const store = { name: d.storeName ?? platformStore.name };
    const who = d.inviterName ? `${d.inviterName} invited you` : "You are invited";
    const when = expiry(undefined, d.expiresInDays, d.expiresAt);
    const expiresNote = when ? ` The invitation expires${when}.` : "";
    return {
      subject: `${who} to ${store.name} on Trafi`,
      html: layout(
        store.name,
        `<p>${escapeHtml(who)} to join <strong>${escapeHtml(store.name)}</strong> as ${escapeHtml(d.role)}.</p><p>${link(d.acceptUrl, "Accept the invitation")}.${escapeHtml(expiresNote)}</p>`,
      ),
      text: `${who} to join ${store.name} as ${d.role}.\nAccept the invitation: ${d.acceptUrl}${expiresNote ? `\n${expiresNote.trim()}` : ""}\n\n${store.name}`,
    };
  },
};

export const TEMPLATES = {
  order_confirmation: orderConfirmation,
  shipping_notification: shipping,
  return_authorized: returnAuthorized,
  return_received: returnReceived,
  refund,
  password_reset: passwordReset,
  member_invite: memberInvite,
} as const;
export type TemplateName = keyof typeof TEMPLATES;
export const TEMPLATE_NAMES = Object.keys(TEMPLATES) as TemplateName[];

export class TemplateDataError extends Error {
  constructor(template: string, detail: string) {
    super(`data of e-mail template ${template} is invalid: ${detail}`);
    this.name = "TemplateDataError";
  }
}

export function renderTemplate(name: TemplateName, data: unknown, store: { name: string }): Rendered {
  const tpl = TEMPLATES[name] as Template<TSchema>;
  if (!Value.Check(tpl.schema, data)) {
    const e = Value.Errors(tpl.schema, data).First();
    throw new TemplateDataError(name, e ? `${e.path || "/"} ${e.message}` : "does not match");
  }
  return tpl.render(data, store);
}
