// `trafi emails list`: the e-mails a store rendered (the mailbox of the `outbox` provider, and what SMTP sent).
import type { Command } from "./args.ts";
import { UsageError, required, str, withPlatform } from "./args.ts";
import { decodeCursor } from "../kernel/pagination.ts";
import { listEmails } from "../modules/notifications/index.ts";
import { getEmail, getPlatformEmail, listPlatformEmails } from "../modules/notifications/emails.ts";
import { STORE_ID_RE } from "../tenancy/pool.ts";

export const emailsList: Command = {
  name: "emails list",
  summary: "List a store's e-mails, newest first; --show <id> prints one with its text part.",
  usage: "emails list --store <id>|platform [--to <address>] [--limit 20] [--cursor <c>] [--show <email id>] [--json]",
  options: {
    store: { type: "string", description: "store id (store_…), or platform for password resets and invites" },
    to: { type: "string", description: "only e-mails to this address" },
    limit: { type: "string", description: "page size, 1–100 (20)" },
    cursor: { type: "string", description: "nextCursor of the previous page" },
    show: { type: "string", description: "print one e-mail (eml_…) in full" },
  },
  async run({ values }, io) {
    const storeId = required(values, "store", "the store whose e-mails to list (trafi stores list), or platform");
    if (storeId !== "platform" && !STORE_ID_RE.test(storeId)) throw new UsageError(`--store must be a store id (store_…) or platform, got "${storeId}"`);
    const limit = Number(str(values, "limit") ?? "20");
    if (!Number.isInteger(limit) || limit < 1 || limit > 100) throw new UsageError("--limit must be a whole number from 1 to 100");
    let before: string | undefined;
    try {
      before = decodeCursor(str(values, "cursor"));
    } catch {
      throw new UsageError("--cursor is not valid; use the nextCursor printed by the previous page");
    }
    const show = str(values, "show");
    return withPlatform(io, async (p) => {
      // "platform": e-mails of the platform itself (password resets, invites) from the control outbox.
      const store = storeId === "platform" ? null : await p.pool.get(storeId);
      if (show !== undefined) {
        const e = store ? await getEmail({ store }, show) : await getPlatformEmail(p.control.db, show);
        if (values.json) io.out(JSON.stringify(e) + "\n");
        else io.out(`From:    ${e.from}\nTo:      ${e.to}\nSubject: ${e.subject}\nDate:    ${new Date(e.createdAt).toISOString()}\n\n${e.text}\n`);
        return 0;
      }
      const q = { limit, before, to: str(values, "to") };
      const page = store ? await listEmails({ store }, q) : await listPlatformEmails(p.control.db, q);
      if (values.json) {
        io.out(JSON.stringify(page) + "\n");
        return 0;
      }
      if (page.data.length === 0) {
        io.out("No e-mails yet.\n");
        return 0;
      }
      io.out(`${"ID".padEnd(31)} ${"CREATED".padEnd(24)} ${"TEMPLATE".padEnd(22)} ${"TO".padEnd(28)} SUBJECT\n`);
      for (const e of page.data) io.out(`${e.id.padEnd(31)} ${e.createdAt.padEnd(24)} ${e.template.padEnd(22)} ${e.to.padEnd(28)} ${e.subject}\n`);
      if (page.nextCursor) io.out(`More: trafi emails list --store ${storeId} --cursor ${page.nextCursor}\n`);
      return 0;
    }, { generateMasterKey: false });
  },
};
