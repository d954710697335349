// Housekeeping of the control DB: dead sessions, used or expired reset tokens and settled invites are kept a
// week for investigation, then deleted so the tables do not grow forever. Meant for a recurring job.
import { and, isNotNull, lt, or } from "drizzle-orm";
import type { Control } from "../../tenancy/control.ts";
import { invites, passwordResets, sessions } from "../../tenancy/control.tables.ts";
import { SESSION_IDLE_MS } from "./sessions.ts";

export const KEEP_DEAD_MS = 7 * 24 * 3_600_000;

export async function purgeExpiredAccessRows(control: Control, now: number): Promise<{ sessions: number; resets: number; invites: number }> {
  const cutoff = now - KEEP_DEAD_MS;
  return control.write(async () => {
    const s = await control.db
      .delete(sessions)
      .where(or(lt(sessions.expiresAt, cutoff), lt(sessions.lastSeenAt, cutoff - SESSION_IDLE_MS), and(isNotNull(sessions.revokedAt), lt(sessions.revokedAt, cutoff))))
      .returning({ id: sessions.id });
    const r = await control.db.delete(passwordResets).where(lt(passwordResets.expiresAt, cutoff)).returning({ id: passwordResets.id });
    const i = await control.db.delete(invites).where(lt(invites.expiresAt, cutoff)).returning({ id: invites.id });
    return { sessions: s.length, resets: r.length, invites: i.length };
  });
}
