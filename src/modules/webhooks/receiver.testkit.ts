// A real HTTP receiver on loopback for webhook tests: answers from a programmable status plan and verifies every
// signature the way a merchant should (HMAC over "<t>.<body>", compared in constant time).
import { createHmac, timingSafeEqual } from "node:crypto";

export interface Received {
  body: string;
  eventId: string | null;
  signature: string | null;
  signatureValid: boolean;
}

export interface Receiver extends AsyncDisposable {
  url: string;
  received: Received[];
  /** Statuses to answer, in order; the last one repeats. */
  plan: number[];
  /** Body sent with each answer. */
  responseBody: string;
  secret: string;
}

export function timingSafeVerify(secret: string, header: string, body: string): boolean {
  const m = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(header);
  if (!m) return false;
  const expected = createHmac("sha256", secret).update(`${m[1]}.${body}`).digest();
  return timingSafeEqual(expected, Buffer.from(m[2]!, "hex"));
}

export function startReceiver(): Receiver {
  const r: Omit<Receiver, "url" | typeof Symbol.asyncDispose> = { received: [], plan: [200], responseBody: "ok", secret: "" };
  const server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    async fetch(req) {
      const body = await req.text();
      const signature = req.headers.get("trafi-signature");
      r.received.push({
        body,
        eventId: req.headers.get("trafi-event-id"),
        signature,
        signatureValid: signature !== null && r.secret !== "" && timingSafeVerify(r.secret, signature, body),
      });
      const status = r.plan[Math.min(r.received.length - 1, r.plan.length - 1)]!;
      return new Response(r.responseBody, { status });
    },
  });
  return Object.assign(r, {
    url: `http://127.0.0.1:${server.port}/hooks/trafi`,
    async [Symbol.asyncDispose]() {
      await server.stop(true);
    },
  });
}
