import { describe, expect, test } from "bun:test";
import { checkWebhookUrl, isPrivateAddress, pinRequest } from "./url-guard.ts";
import { signPayload, verifySignature } from "./signature.ts";
import { createLogger } from "../../kernel/logger.ts";

describe("request-forgery guard", () => {
  test("private, loopback, link-local and reserved addresses, IPv4 and IPv6", () => {
    const refused = ["127.0.0.1", "10.1.2.3", "172.16.0.1", "192.168.1.1", "169.254.169.254", "100.64.0.1", "0.0.0.0", "224.0.0.1", "255.255.255.255",
      "::1", "::", "fe80::1", "fd00::1", "::ffff:127.0.0.1", "::ffff:7f00:1", "64:ff9b::10.0.0.1", "ff02::1", "2001:db8::1", "not-an-ip",
      "192.0.2.10", "198.51.100.7", "203.0.113.99", "192.88.99.1", "::ffff:203.0.113.5"];
    const allowed = ["8.8.8.8", "93.184.216.34", "172.15.0.1", "2606:4700:4700::1111", "::ffff:8.8.8.8", "192.0.3.1", "198.51.101.1", "203.0.114.1"];
    for (const ip of refused) expect(isPrivateAddress(ip), ip).toBe(true);
    for (const ip of allowed) expect(isPrivateAddress(ip), ip).toBe(false);
  });

  test("IPv6 forms that carry an IPv4 address are judged by it; special-purpose IPv6 space is refused", () => {
    const refused = [
      "64:ff9b:1::a00:1", // local-use NAT64 (RFC 8215) of 10.0.0.1
      "64:ff9b:1:8:0:8:808:800", // local-use NAT64 with a shorter prefix: the IPv4 address cannot be located
      "::ffff:0:7f00:1", // SIIT (::ffff:0:0/96) of 127.0.0.1
      "::ffff:0:10.0.0.1",
      "2002:a9fe:a9fe::", // 6to4 of 169.254.169.254
      "2002:7f00:1::1", // 6to4 of 127.0.0.1
      "2001:0:4136:e378:8000:63bf:3fff:fdd2", // Teredo: the IPv4 address it tunnels to is hidden
      "2001:2::1", // benchmarking
      "2001:20::1", // ORCHIDv2
      "3fff::1", // documentation (RFC 9637)
      "100::1", // discard-only
      "5f00::1", // SRv6 SIDs
      "::8:8:8:8", // the rest of ::/8 is reserved
      "fec0::1", // site-local
      "4000::1", // unallocated, outside 2000::/3
    ];
    const allowed = [
      "64:ff9b:1::808:808", // local-use NAT64 of 8.8.8.8: public
      "::ffff:0:8.8.8.8",
      "2002:808:808::1", // 6to4 of 8.8.8.8
      "2001:200::1", // the first regional registry allocation, right after 2001::/23
      "2001:4860:4860::8888",
      "2a00:1450:4001::1",
      "3ffe:1::1",
      "3fff:1000::1", // just past 3fff::/20
    ];
    for (const ip of refused) expect(isPrivateAddress(ip), ip).toBe(true);
    for (const ip of allowed) expect(isPrivateAddress(ip), ip).toBe(false);
  });

  test("a refusal names the host but not the address it resolves to (no oracle for internal DNS names)", async () => {
    const warned: unknown[] = [];
    const log = { ...createLogger({ sink: () => {} }), warn: (_msg: string, fields?: unknown) => void warned.push(fields) };
    const err = await checkWebhookUrl("https://db.internal.example/h", { allowPrivate: false, resolve: async () => ["10.20.30.40"], log }).catch((e) => e);
    expect(err).toMatchObject({ reason: "webhook.private_address" });
    expect(err.message).toContain("db.internal.example");
    expect(err.message).not.toContain("10.20.30.40");
    // The operator still learns it.
    expect(warned).toEqual([{ host: "db.internal.example", address: "10.20.30.40" }]);
    const v6 = await checkWebhookUrl("https://v6.internal.example/h", { allowPrivate: false, resolve: async () => ["fd12:3456::7"] }).catch((e) => e);
    expect(v6.message).not.toContain("fd12");
  });

  test("every resolved address is checked, not only the first", async () => {
    const resolve = async () => ["93.184.216.34", "10.0.0.7"];
    await expect(checkWebhookUrl("https://mixed.example.com/h", { allowPrivate: false, resolve })).rejects.toMatchObject({ reason: "webhook.private_address" });
    const ok = await checkWebhookUrl("https://public.example.com/h", { allowPrivate: false, resolve: async () => ["93.184.216.34"] });
    expect(ok.hostname).toBe("public.example.com");
    // Allowed for self-hosted development, but the scheme rule still holds.
    expect((await checkWebhookUrl("http://127.0.0.1:9/h", { allowPrivate: true })).port).toBe("9");
    await expect(checkWebhookUrl("ftp://127.0.0.1/h", { allowPrivate: true })).rejects.toMatchObject({ reason: "webhook.unsupported_scheme" });
  });
});

describe("pinning the checked address", () => {
  test("the request goes to the address that passed the check, with the name as Host and TLS server name", () => {
    const url = new URL("https://hooks.example.com:8443/trafi?x=1");
    expect(pinRequest({ url, addresses: ["93.184.216.34"] })).toEqual({
      connectUrl: "https://93.184.216.34:8443/trafi?x=1",
      host: "hooks.example.com:8443",
      serverName: "hooks.example.com",
    });
    expect(pinRequest({ url: new URL("http://hooks.example.com/h"), addresses: ["2606:4700::1"] })).toEqual({
      connectUrl: "http://[2606:4700::1]/h",
      host: "hooks.example.com",
      serverName: undefined,
    });
    // Nothing to pin: an IP literal, or private targets allowed (no addresses checked).
    expect(pinRequest({ url: new URL("http://127.0.0.1:9/h"), addresses: [] }).connectUrl).toBe("http://127.0.0.1:9/h");
  });
});

describe("signature", () => {
  test("t=<unix>,v1=<hex HMAC of t.body>; verified in constant time with a tolerance", () => {
    const header = signPayload("whsec_test", 1_700_000_000, '{"a":1}');
    expect(header).toMatch(/^t=1700000000,v1=[0-9a-f]{64}$/);
    expect(verifySignature("whsec_test", header, '{"a":1}', 1_700_000_100)).toBe(true);
    expect(verifySignature("whsec_test", header, '{"a":2}', 1_700_000_100)).toBe(false);
    expect(verifySignature("whsec_other", header, '{"a":1}', 1_700_000_100)).toBe(false);
    expect(verifySignature("whsec_test", header, '{"a":1}', 1_700_001_000)).toBe(false); // too old
    expect(verifySignature("whsec_test", "garbage", '{"a":1}', 1_700_000_000)).toBe(false);
  });
});
