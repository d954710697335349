// E-mail: SMTP against a real server on loopback, the outbox provider and its admin API/CLI, and the templates.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import fc from "fast-check";
import { eq } from "drizzle-orm";
import { adminHeaders, createTestPlatform, type TestPlatform, type TestStore } from "../../testing/harness.ts";
import { ManualClock } from "../../kernel/clock.ts";
import { isSealed } from "../../kernel/seal.ts";
import { drainJobs, startTestJobs } from "../../jobs/testing.ts";
import { commitOrder, EUR } from "../../jobs/testdata/order-fixture.ts";
import { runCli } from "../../main.ts";
import { createLogger, silentLogger } from "../../kernel/logger.ts";
import { startSmtpSink, parseMime, type SmtpSink } from "./smtp.testkit.ts";
import { emailSettings } from "./notifications.tables.ts";
import { smtpProvider, type OutgoingEmail, type SmtpOptions } from "./providers.ts";
import { sendEmail } from "./emails.ts";
import { PermanentJobError } from "../../jobs/define.ts";
import { checkSmtpHost } from "./smtp-guard.ts";
import { escapeHtml, renderTemplate, TEMPLATE_NAMES, TemplateDataError, type TemplateName } from "./templates.ts";

let t: TestPlatform;
let A: TestStore;
let B: TestStore;
let smtp: SmtpSink;
const ALLOW_PRIVATE = { TRAFI_WEBHOOKS_ALLOW_PRIVATE: "true" };

beforeAll(async () => {
  // The SMTP sink listens on loopback: private hosts allowed, as for webhook receivers (strict platforms below).
  t = await createTestPlatform({ env: ALLOW_PRIVATE, clock: new ManualClock(Date.UTC(2026, 4, 2, 9)) });
  A = await t.createStore("Atelier Nord");
  B = await t.createStore("Store B");
  smtp = await startSmtpSink();
  await startTestJobs(t.platform);
});
afterAll(async () => {
  await t[Symbol.asyncDispose]();
  await smtp[Symbol.asyncDispose]();
});

describe("SMTP (acceptance 2)", () => {
  test("the order confirmation reaches a real SMTP server: recipient, text and HTML parts, totals as money", async () => {
    const set = await t.request("/v1/admin/emails/provider", {
      method: "PUT",
      headers: adminHeaders(A.sk),
      json: { provider: "smtp", fromAddress: "orders@atelier.example", smtp: { host: "127.0.0.1", port: smtp.port, secure: false, user: "atelier", password: "pa55word!" } },
    });
    expect(set.status).toBe(200);
    const view = await set.json();
    expect(view.smtp).toEqual({ host: "127.0.0.1", port: smtp.port, secure: false, user: "atelier", hasPassword: true });
    expect(JSON.stringify(view)).not.toContain("pa55word");
    const row = (await (await t.platform.pool.get(A.id)).db.select().from(emailSettings).where(eq(emailSettings.id, 1)))[0]!;
    expect(isSealed(row.smtpPasswordSealed!)).toBe(true);

    const orderId = await commitOrder(t.platform, A.id, "buyer@example.com");
    await t.platform.outbox.kick(A.id);
    await drainJobs(t.platform);

    expect(smtp.mails).toHaveLength(1);
    expect(smtp.logins).toEqual([{ user: "atelier", pass: "pa55word!" }]);
    const mail = smtp.mails[0]!;
    expect(mail.to).toEqual(["buyer@example.com"]);
    expect(mail.from).toBe("orders@atelier.example");
    const { headers, parts } = parseMime(mail.raw);
    expect(headers["content-type"]).toStartWith("multipart/alternative");
    expect(headers["subject"]).toContain("1001");
    expect(headers["x-trafi-key"]).toBe(`receipt:${orderId}`);
    expect(parts.map((p) => p.headers["content-type"]!.split(";")[0])).toEqual(["text/plain", "text/html"]);
    const [text, html] = [parts[0]!.body, parts[1]!.body];

    expect(text).toContain("2 × Linen shirt (SHIRT-M) — €99.00");
    expect(text).toContain("Subtotal: €118.99");
    expect(text).toContain("Shipping: €4.90");
    expect(text).toContain("Tax: €19.83");
    expect(text).toContain("Total: €123.89");
    expect(text).toContain("Hello Ada <Lovelace>,");
    expect(html).toContain("€123.89");
    expect(html).toContain("Canvas tote &#38; strap");
    expect(html).toContain("Ada &#60;Lovelace&#62;");
    expect(html).not.toContain("<Lovelace>");
    expect(html).toContain(`href="https://shop.example.com/orders/${orderId}"`);

    const log = await (await t.request("/v1/admin/emails", { headers: adminHeaders(A.sk) })).json();
    expect(log.data[0]).toMatchObject({ template: "order_confirmation", to: "buyer@example.com", provider: "smtp" });
    expect(log.data[0].providerMessageId).toBeString();
  });

  test("the same outbox key relayed again sends nothing more", async () => {
    const sent = smtp.mails.length;
    const store = await t.platform.pool.get(A.id);
    const { outbox } = await import("../../jobs/outbox.tables.ts");
    const { withTx } = await import("../../db/tx.ts");
    await withTx({ store }, (tx) => tx.update(outbox).set({ relayedAt: null }));
    await t.platform.outbox.kick(A.id);
    await drainJobs(t.platform);
    expect(smtp.mails.length).toBe(sent);
  });
});

describe("SMTP settings: request forgery, clear-text credentials, the stored password", () => {
  const putProvider = (p: TestPlatform, sk: string, json: unknown) => p.request("/v1/admin/emails/provider", { method: "PUT", headers: adminHeaders(sk), json });
  const message: OutgoingEmail = { from: "shop@example.com", to: "direct@example.com", subject: "Hi", html: "<p>Hi</p>", text: "Hi", key: "direct:1" };
  const direct = (o: Partial<SmtpOptions>) =>
    smtpProvider({ host: "127.0.0.1", port: smtp.port, secure: false, user: null, password: null, allowPrivate: true, plaintextAuthOnLoopback: true, log: silentLogger, ...o });

  test("loopback, link-local and private SMTP hosts are refused when saved, as webhook URLs are (422 email.smtp_host_private)", async () => {
    await using strict = await createTestPlatform(); // TRAFI_WEBHOOKS_ALLOW_PRIVATE off
    const S = await strict.createStore("Strict");
    for (const host of ["127.0.0.1", "169.254.169.254", "localhost", "mail.localhost", "[::1]", "::ffff:127.0.0.1", "10.0.0.5", "[fd00::1]"]) {
      const res = await putProvider(strict, S.sk, { provider: "smtp", smtp: { host, port: 25 } });
      expect(res.status, host).toBe(422);
      expect((await res.json()).error, host).toMatchObject({ code: "VALIDATION", reason: "email.smtp_host_private", details: { field: "smtp.host" } });
    }
    expect((await putProvider(strict, S.sk, { provider: "smtp", smtp: { host: "93.184.216.34", port: 587 } })).status).toBe(200);

    // Names are judged by every address they resolve to; one that does not resolve yet is checked at send time.
    const resolve = async (h: string) => (h === "mixed.example.com" ? ["93.184.216.34", "10.1.2.3"] : Promise.reject(new Error("ENOTFOUND")));
    await expect(checkSmtpHost("mixed.example.com", { allowPrivate: false, resolve })).rejects.toMatchObject({ reason: "email.smtp_host_private" });
    await expect(checkSmtpHost("not-yet.example.com", { allowPrivate: false, resolve })).resolves.toBeUndefined();
    await expect(checkSmtpHost("127.0.0.1", { allowPrivate: true })).resolves.toBeUndefined();
  });

  test("…and again before every send: settings that point at a private address connect nowhere, the job is dead with a reason", async () => {
    await using strict = await createTestPlatform(); // one job runtime per process (t's): its send is called directly
    const S = await strict.createStore("Strict");
    // As saved before the check existed (or a name that now resolves to 127.0.0.1): straight into the table.
    await (await strict.platform.pool.get(S.id)).db.insert(emailSettings).values({ id: 1, provider: "smtp", smtpHost: "127.0.0.1", smtpPort: smtp.port, smtpSecure: false, updatedAt: 0 });
    const sent = smtp.mails.length;
    const input = { template: "refund" as const, to: "rebound@example.com", data: SAMPLE.refund("7") };
    const refusal = sendEmail(strict.platform, S.id, "refund:rebound", input);
    await expect(refusal).rejects.toBeInstanceOf(PermanentJobError); // straight to the dead jobs: retrying cannot help
    await expect(refusal).rejects.toThrow("SMTP host refused: it resolves to a private, loopback or link-local address");
    expect(smtp.mails.length).toBe(sent);

    // A name is resolved once, checked, and the connection goes to that address (no second lookup to rebind).
    const rebinding = async () => ["93.184.216.34", "127.0.0.1"];
    const refused = direct({ host: "mail.shop.example", allowPrivate: false, resolve: rebinding }).send(message);
    await expect(refused).rejects.toMatchObject({ name: "SmtpSendError", permanent: true });
    const asked: string[] = [];
    await direct({ host: "mail.shop.example", resolve: async (h) => (asked.push(h), ["127.0.0.1"]) }).send({ ...message, to: "pinned@example.com" });
    expect(asked).toEqual(["mail.shop.example"]);
    expect(smtp.mails.at(-1)!.to).toEqual(["pinned@example.com"]); // the name itself resolves nowhere: the address was used
  });

  test("what a non-SMTP service answers stays in the server log, not in the job's error read through GET /v1/admin/jobs", async () => {
    const C = await t.createStore("Probe");
    const banner = "SSH-2.0-OpenSSH_9.6 internal-bastion-7";
    const srv = Bun.listen({ hostname: "127.0.0.1", port: 0, socket: { open: (s) => void s.write(`${banner}\r\n`), data() {} } });
    try {
      expect((await putProvider(t, C.sk, { provider: "smtp", smtp: { host: "127.0.0.1", port: srv.port, secure: false } })).status).toBe(200);
      await commitOrder(t.platform, C.id, "probe@example.com");
      await t.platform.outbox.kick(C.id);
      await drainJobs(t.platform, 30_000);
      const jobs = await (await t.request("/v1/admin/jobs", { headers: adminHeaders(C.sk) })).json();
      expect(jobs.problems).toHaveLength(1);
      expect(jobs.problems[0]).toMatchObject({ name: "email.send", lastError: "the server did not answer as an SMTP server" });
      expect(JSON.stringify(jobs)).not.toContain("internal-bastion");

      const logged: string[] = [];
      await expect(direct({ port: srv.port, log: createLogger({ sink: (l) => logged.push(l) }) }).send(message)).rejects.toThrow("the server did not answer");
      expect(logged.some((l) => l.includes("smtp send failed") && l.includes("internal-bastion-7"))).toBe(true);
    } finally {
      srv.stop(true);
    }
  }, 40_000);

  test("credentials never go out over a session without TLS: STARTTLS is required when a user or password is set", async () => {
    const [logins, mails] = [smtp.logins.length, smtp.mails.length];
    // The sink offers no STARTTLS (as a server, or a man in the middle stripping it from the EHLO answer, would).
    const send = direct({ user: "shop", password: "hunter2-smtp", plaintextAuthOnLoopback: false }).send(message);
    await expect(send).rejects.toMatchObject({ name: "SmtpSendError", permanent: false });
    await expect(send).rejects.not.toThrow("hunter2");
    expect(smtp.logins.length).toBe(logins);
    expect(smtp.mails.length).toBe(mails);
    // No credentials, nothing to protect: a server without STARTTLS still gets the mail (port 25 relays).
    await direct({ plaintextAuthOnLoopback: false }).send(message);
    expect(smtp.mails.length).toBe(mails + 1);
  });

  test("re-saving what the settings view returns keeps the stored password; null clears it; user may be null", async () => {
    const D = await t.createStore("Store D");
    const first = await putProvider(t, D.sk, { provider: "smtp", smtp: { host: "127.0.0.1", port: smtp.port, secure: false, user: "dora", password: "kept-secret" } });
    expect(first.status).toBe(200);
    // A dashboard reads the settings (no password in them) and saves them back with another from-name:
    const view = await (await t.request("/v1/admin/emails/provider", { headers: adminHeaders(D.sk) })).json();
    const { hasPassword: _, ...back } = view.smtp;
    const again = await putProvider(t, D.sk, { provider: "smtp", fromName: "Renamed", smtp: back });
    expect(again.status).toBe(200);
    expect((await again.json()).smtp.hasPassword).toBe(true);
    const logins = smtp.logins.length;
    await commitOrder(t.platform, D.id, "dora@example.com");
    await t.platform.outbox.kick(D.id);
    await drainJobs(t.platform);
    expect(smtp.logins.slice(logins)).toEqual([{ user: "dora", pass: "kept-secret" }]);

    // The stored password is not handed to another host that someone with emails:write names.
    const moved = await putProvider(t, D.sk, { provider: "smtp", smtp: { ...back, host: "93.184.216.34" } });
    expect(moved.status).toBe(422);
    expect((await moved.json()).error).toMatchObject({ reason: "email.smtp_password_required", details: { field: "smtp.password" } });

    const cleared = await putProvider(t, D.sk, { provider: "smtp", smtp: { ...back, user: null, password: null } });
    expect(cleared.status).toBe(200);
    const view2 = await cleared.json();
    expect(view2.smtp).toMatchObject({ user: null, hasPassword: false });
    const { hasPassword: __, ...back2 } = view2.smtp;
    expect((await putProvider(t, D.sk, { provider: "smtp", smtp: back2 })).status).toBe(200); // user: null as read
  });
});

describe("outbox provider (the development default)", () => {
  test("stores rendered e-mails, readable in the admin API and `trafi emails list`", async () => {
    await commitOrder(t.platform, B.id, "dev@example.com");
    await t.platform.outbox.kick(B.id);
    await drainJobs(t.platform);

    const provider = await (await t.request("/v1/admin/emails/provider", { headers: adminHeaders(B.sk) })).json();
    expect(provider).toEqual({ provider: "outbox", fromAddress: null, fromName: null, smtp: null });
    const list = await (await t.request("/v1/admin/emails?to=dev%40example.com", { headers: adminHeaders(B.sk) })).json();
    expect(list.data).toHaveLength(1);
    const one = await (await t.request(`/v1/admin/emails/${list.data[0].id}`, { headers: adminHeaders(B.sk) })).json();
    expect(one).toMatchObject({ provider: "outbox", to: "dev@example.com", from: '"Store B" <no-reply@trafi.localhost>' });
    expect(one.text).toContain("Total: €123.89");
    expect(one.html).toContain("<table");

    // Isolation: A cannot read B's e-mail; and B's list holds no A mail.
    expect((await t.request(`/v1/admin/emails/${one.id}`, { headers: adminHeaders(A.sk) })).status).toBe(404);
    const { token } = await t.platform.keys.create({ storeId: B.id, type: "secret", scopes: ["emails:read"] });
    const denied = await t.request("/v1/admin/emails/provider", { method: "PUT", headers: adminHeaders(token), json: { provider: "outbox" } });
    expect(denied.status).toBe(403);

    let out = "";
    const env = { TRAFI_DATA_DIR: t.dir, TRAFI_MASTER_KEY: "a".repeat(64) };
    const code = await runCli(["emails", "list", "--store", B.id], { out: (s) => (out += s), err: () => {}, env, isTTY: false });
    expect(code).toBe(0);
    expect(out).toContain("dev@example.com");
    expect(out).toContain("Order 1001 confirmed — Store B");
  });

  test("smtp without its settings is refused with a reason", async () => {
    const res = await t.request("/v1/admin/emails/provider", { method: "PUT", headers: adminHeaders(B.sk), json: { provider: "smtp" } });
    expect(res.status).toBe(422);
    expect((await res.json()).error.reason).toBe("email.smtp_settings_required");
  });
});

const SAMPLE: Record<TemplateName, (s: string) => Record<string, unknown>> = {
  order_confirmation: (s) => ({
    orderNumber: s,
    customerName: s,
    lines: [{ title: s, sku: s, quantity: 1, unitPrice: EUR(100), total: EUR(100) }],
    subtotal: EUR(100),
    shippingTotal: EUR(0),
    taxTotal: EUR(0),
    total: EUR(100),
  }),
  shipping_notification: (s) => ({ orderNumber: s, customerName: s, carrier: s, trackingNumber: s, trackingUrl: `https://track.example.com/?q=${encodeURIComponent(s)}` }),
  return_authorized: (s) => ({ orderNumber: s, returnNumber: s, customerName: s, lines: [{ title: s, quantity: 2 }] }),
  return_received: (s) => ({ orderNumber: s, returnNumber: s, customerName: s, lines: [{ title: s, quantity: 1 }] }),
  refund: (s) => ({ orderNumber: s, customerName: s, amount: EUR(1_250), reason: s }),
  password_reset: (s) => ({ resetUrl: "https://shop.example.com/reset?token=abc", expiresInMinutes: 30, name: s }),
  member_invite: (s) => ({ acceptUrl: "https://admin.example.com/invite/xyz", role: s, inviterName: s, expiresInDays: 7 }),
};

describe("platform e-mails (control outbox)", () => {
  test("password resets and member invites, in the access module's payload shapes, are stored for the platform", async () => {
    const { addControlOutbox } = await import("../../jobs/outbox.ts");
    const now = t.platform.clock.now();
    const expiresAt = new Date(now + 30 * 60_000).toISOString();
    await addControlOutbox(t.platform.control.db, now, {
      topic: "email.send",
      key: "password_reset:pwr_TEST",
      payload: { template: "password_reset", to: "owner@example.com", data: { resetUrl: "http://127.0.0.1:3000/admin/reset-password#token=abc", expiresAt } },
    });
    await addControlOutbox(t.platform.control.db, now, {
      topic: "email.send",
      key: "invite:inv_TEST",
      payload: { template: "member_invite", to: "new@example.com", data: { storeName: "Atelier <Nord>", role: "operator", acceptUrl: "http://127.0.0.1:3000/admin/accept-invite#token=xyz", expiresAt } },
    });
    await t.platform.outbox.kickControl();
    await drainJobs(t.platform);

    let out = "";
    const env = { TRAFI_DATA_DIR: t.dir, TRAFI_MASTER_KEY: "a".repeat(64) };
    const io = { out: (s: string) => (out += s), err: () => {}, env, isTTY: false };
    expect(await runCli(["emails", "list", "--store", "platform", "--json"], io)).toBe(0);
    const page = JSON.parse(out);
    expect(page.data.map((e: { to: string }) => e.to).sort()).toEqual(["new@example.com", "owner@example.com"]);
    const invite = page.data.find((e: { to: string }) => e.to === "new@example.com");
    expect(invite.subject).toBe("You are invited to Atelier <Nord> on Trafi");
    out = "";
    expect(await runCli(["emails", "list", "--store", "platform", "--show", invite.id], io)).toBe(0);
    expect(out).toContain("Accept the invitation: http://127.0.0.1:3000/admin/accept-invite#token=xyz");
    expect(out).toContain("The invitation expires on 2026-05-09 09:30 UTC.".replace("2026-05-09 09:30", expiresAt.slice(0, 16).replace("T", " ")));
  });
});

describe("templates", () => {
  test("each template has a subject, an HTML part and a text part", () => {
    for (const name of TEMPLATE_NAMES) {
      const r = renderTemplate(name, SAMPLE[name]("1042"), { name: "Atelier Nord" });
      expect(r.subject.length, name).toBeGreaterThan(5);
      expect(r.html, name).toStartWith("<!doctype html>");
      expect(r.text, name).not.toContain("<");
    }
    const ship = renderTemplate("shipping_notification", SAMPLE.shipping_notification("1042"), { name: "S" });
    expect(ship.html).toContain('href="https://track.example.com/?q&#61;1042"');
    expect(ship.text).toContain("https://track.example.com/?q=1042");
    expect(renderTemplate("refund", SAMPLE.refund("7"), { name: "S" }).subject).toBe("Refund of €12.50 for order 7 — S");
  });

  test("every interpolated value is escaped in HTML (property)", () => {
    fc.assert(
      fc.property(fc.constantFrom(...TEMPLATE_NAMES), fc.string({ maxLength: 40 }).map((s) => `<b>"${s}'&`), fc.string({ maxLength: 20 }), (name, value, storeName) => {
        const r = renderTemplate(name, SAMPLE[name](value), { name: `<i>${storeName}</i>` });
        expect(r.html).not.toContain(value);
        expect(r.html).not.toContain("<b>");
        expect(r.html).not.toContain("<i>");
        expect(r.html).toContain(escapeHtml(value).slice(0, 10));
      }),
      { seed: 6, numRuns: 200 },
    );
  });

  test("links must be http(s); bad data is refused with the field", () => {
    expect(() => renderTemplate("shipping_notification", { ...SAMPLE.shipping_notification("1"), trackingUrl: "javascript:alert(1)" }, { name: "S" })).toThrow(TemplateDataError);
    expect(() => renderTemplate("order_confirmation", { ...SAMPLE.order_confirmation("1"), total: { amount: 1.5, currency: "EUR" } }, { name: "S" })).toThrow("/total/amount");
  });

  test("money follows the currency's minor units", () => {
    const r = renderTemplate("refund", { orderNumber: "9", amount: { amount: 1500, currency: "JPY" } }, { name: "S" });
    expect(r.text).toContain("¥1,500");
  });
});
