import type { Command, CommandIO } from "./args.ts";
import { UsageError, assertStoreExists, required, storeIdArg, str, withPlatform } from "./args.ts";
import { AppError } from "../kernel/errors.ts";
import { ROLES, isRole } from "../kernel/permissions.ts";
import { systemCtx } from "../kernel/system-ctx.ts";
import { withTx } from "../db/tx.ts";
import { recordAudit } from "../modules/audit/index.ts";
import { addMembership, checkPassword, createUser, findUserByEmail, normalizeEmail } from "../modules/access/users.ts";

/** Tests pass the password through `stdin`; the real process reads its standard input. */
type IOWithStdin = CommandIO & { stdin?: () => Promise<string> };

export const usersCreate: Command = {
  name: "users create",
  summary: "Create a dashboard user (or reuse one by e-mail) and make them a member of a store.",
  usage: "users create --email <e-mail> --password-stdin --store <storeId> --role owner|admin|operator|viewer|risk_manager|privacy_manager [--name <name>] [--json]",
  options: {
    email: { type: "string", description: "the user's e-mail (login)" },
    "password-stdin": { type: "boolean", description: "read the password from standard input (never from the command line)" },
    store: { type: "string", description: "store id (store_…)" },
    role: { type: "string", description: `one of ${ROLES.join(", ")}` },
    name: { type: "string", description: "display name" },
  },
  async run({ values }, io: IOWithStdin) {
    const email = normalizeEmail(required(values, "email", "the user's e-mail"));
    if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) throw new UsageError(`--email must be an e-mail address, got "${email}"`);
    const storeId = storeIdArg(values);
    const role = required(values, "role", ROLES.join(", "));
    if (!isRole(role)) throw new UsageError(`--role must be one of ${ROLES.join(", ")}, got "${role}"`);
    let password: string | undefined;
    if (values["password-stdin"]) {
      const raw = io.stdin ? await io.stdin() : await Bun.stdin.text();
      password = raw.replace(/\r?\n$/, "");
      try {
        checkPassword(password);
      } catch (e) {
        throw new UsageError((e as Error).message);
      }
    }
    const result = await withPlatform(io, async (p) => {
      await assertStoreExists(p, storeId);
      const now = p.clock.now();
      let user = await findUserByEmail(p.control, email);
      const created = !user;
      if (!user) {
        if (password === undefined) throw new UsageError("--password-stdin is required to create a new user");
        user = await createUser(p.control, now, { email, password, name: str(values, "name") ?? null });
      }
      await addMembership(p.control, now, { userId: user.id, storeId, role });
      const ctx = await systemCtx(p, storeId, "cli:users create");
      await withTx(ctx, (tx) => recordAudit(tx, ctx, { action: "member.added", targetType: "member", targetId: user.id, after: { role, email } }));
      return { userId: user.id, created };
    }).catch((e) => {
      if (e instanceof AppError && (e.code === "VALIDATION" || e.code === "CONFLICT")) throw new UsageError(e.message);
      throw e;
    });
    if (values.json) io.out(JSON.stringify({ userId: result.userId, email, storeId, role, created: result.created }) + "\n");
    else {
      const what = result.created ? `Created user ${result.userId}` : `User ${result.userId} already existed (password unchanged)`;
      io.out(`${what} <${email}>; ${role} of ${storeId}. Log in at /admin with this e-mail.\n`);
    }
    return 0;
  },
};
