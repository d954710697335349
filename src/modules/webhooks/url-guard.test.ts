import { describe, expect, test } from "bun:test";
import { checkWebhookUrl, isPrivateAddress, pinRequest } from "./url-guard.ts";
import { signPayload, verifySignature } from "./signature.ts";

describe("request-forgery guard", () => {
  test("private, loopback, link-local and reserved addresses, IPv4 and IPv6", () => {
    const refused = ["127.0.0.1", "10.1.2.3", "172.16.0.1", "192.168.1.1", "169.254.169.254", "100.64.0.1", "0.0.0.0", "224.0.0.1", "255.255.255.255",
      "::1", "::", "fe80::1", "fd00::1", "::ffff:127.0.0.1", "::ffff:7f00:1", "64:ff9b::10.0.0.1", "ff02::1", "2001:db8::1", "not-an-ip"];
    const allowed = ["8.8.8.8", "93.184.216.34", "172.15.0.1", "2606:4700:4700::1111", "::ffff:8.8.8.8"];
    for (const ip of refused) expect(isPrivateAddress(ip), ip).toBe(true);
    for (const ip of allowed) expect(isPrivateAddress(ip), ip).toBe(false);
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
