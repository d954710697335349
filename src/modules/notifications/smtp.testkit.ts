// A real SMTP server on loopback (the smtp-server package) for e-mail tests, and a small MIME reader for what it
// receives (multipart parts, quoted-printable and base64 bodies).
import { SMTPServer } from "smtp-server";
import type { AddressInfo } from "node:net";

export interface ReceivedMail {
  from: string | null;
  to: string[];
  raw: string;
}

export interface SmtpSink extends AsyncDisposable {
  port: number;
  mails: ReceivedMail[];
  /** Credentials presented with AUTH, to check the sealed password was opened correctly. */
  logins: Array<{ user: string; pass: string }>;
}

export async function startSmtpSink(): Promise<SmtpSink> {
  const mails: ReceivedMail[] = [];
  const logins: SmtpSink["logins"] = [];
  const server = new SMTPServer({
    authOptional: true,
    allowInsecureAuth: true, // loopback only, no TLS in tests
    disabledCommands: ["STARTTLS"],
    disableReverseLookup: true,
    logger: false,
    onAuth(auth, _session, callback) {
      logins.push({ user: auth.username ?? "", pass: auth.password ?? "" });
      callback(null, { user: auth.username });
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on("data", (c: Buffer) => chunks.push(c));
      stream.on("end", () => {
        const from = session.envelope.mailFrom;
        mails.push({ from: from ? from.address : null, to: session.envelope.rcptTo.map((r) => r.address), raw: Buffer.concat(chunks).toString("utf8") });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.server.address() as AddressInfo).port;
  return {
    port,
    mails,
    logins,
    async [Symbol.asyncDispose]() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export interface MimePart {
  headers: Record<string, string>;
  body: string;
}

function splitHeaders(block: string): { headers: Record<string, string>; body: string } {
  const at = block.indexOf("\r\n\r\n");
  const head = block.slice(0, at).replace(/\r\n[ \t]+/g, " ");
  const headers: Record<string, string> = {};
  for (const line of head.split("\r\n")) {
    const i = line.indexOf(":");
    if (i > 0) headers[line.slice(0, i).toLowerCase()] = line.slice(i + 1).trim();
  }
  return { headers, body: block.slice(at + 4) };
}

function decode(body: string, encoding: string | undefined): string {
  if (encoding?.toLowerCase() === "base64") return Buffer.from(body.replace(/\s+/g, ""), "base64").toString("utf8");
  if (encoding?.toLowerCase() === "quoted-printable") {
    const soft = body.replace(/=\r\n/g, "");
    const bytes: number[] = [];
    for (let i = 0; i < soft.length; i++) {
      if (soft[i] === "=" && /^[0-9A-F]{2}$/i.test(soft.slice(i + 1, i + 3))) {
        bytes.push(parseInt(soft.slice(i + 1, i + 3), 16));
        i += 2;
      } else bytes.push(...Buffer.from(soft[i]!, "utf8"));
    }
    return Buffer.from(bytes).toString("utf8");
  }
  return body;
}

/** Top-level headers and the leaf parts of a multipart message, decoded. */
export function parseMime(raw: string): { headers: Record<string, string>; parts: MimePart[] } {
  const { headers, body } = splitHeaders(raw);
  const parts: MimePart[] = [];
  const walk = (h: Record<string, string>, b: string) => {
    const boundary = /boundary="?([^";]+)"?/.exec(h["content-type"] ?? "")?.[1];
    if (!boundary) {
      parts.push({ headers: h, body: decode(b, h["content-transfer-encoding"]) });
      return;
    }
    for (const chunk of b.split(`--${boundary}`).slice(1)) {
      if (chunk.startsWith("--")) break;
      const p = splitHeaders(chunk.replace(/^\r\n/, ""));
      walk(p.headers, p.body);
    }
  };
  walk(headers, body);
  return { headers, parts };
}
