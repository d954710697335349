import { describe, expect, test } from "bun:test";
import { isSafeUrl, sanitizeHtml } from "./sanitize.ts";

describe("sanitizeHtml", () => {
  const cases: [string, string][] = [
    ["<p>Plain <strong>bold</strong> <em>it</em></p>", "<p>Plain <strong>bold</strong> <em>it</em></p>"],
    ["<script>alert(1)</script><p>ok</p>", "<p>ok</p>"],
    ["<p onclick=\"alert(1)\" onmouseover='x'>hi</p>", "<p>hi</p>"],
    ["<b style=\"background:url(javascript:alert(1))\">x</b>", "<b>x</b>"],
    ["<style>p{color:red}</style>text", "text"],
    ["<a href=\"javascript:alert(1)\">x</a>", "<a>x</a>"],
    ["<a href=\"JaVaScRiPt:alert(1)\">x</a>", "<a>x</a>"],
    ["<a href=\" javascript:alert(1)\">x</a>", "<a>x</a>"],
    ["<a href=\"java&#x09;script:alert(1)\">x</a>", "<a>x</a>"],
    ["<a href=\"&#106;avascript:alert(1)\">x</a>", "<a>x</a>"],
    ["<a href=\"javascript&colon;alert(1)\">x</a>", "<a>x</a>"],
    ["<a href=\"data:text/html;base64,PHNjcmlwdD4=\">x</a>", "<a>x</a>"],
    ["<a href=\"vbscript:msgbox(1)\">x</a>", "<a>x</a>"],
    ["<a href=\"/products/tee\" target=\"_blank\">x</a>", "<a href=\"/products/tee\" rel=\"nofollow noopener noreferrer\">x</a>"],
    ["<img src=x onerror=alert(1)>", ""],
    ["<img src=\"http://insecure.example/x.png\" alt=\"a\">", ""],
    ["<img src=\"https://cdn.example/x.png\" alt=\"a\" onload=\"x\">", "<img src=\"https://cdn.example/x.png\" alt=\"a\">"],
    ["<svg onload=alert(1)><circle r=\"1\"/></svg>after", "after"],
    ["<iframe src=\"https://evil.example\"></iframe><p>kept</p>", "<p>kept</p>"],
    ["<math><mi xlink:href=\"javascript:alert(1)\">x</mi></math>", ""],
    ["<form action=\"https://evil\"><input name=\"a\"><button>go</button></form>", ""],
    ["<div><section><p>unwrapped</p></section></div>", "<p>unwrapped</p>"],
    ["<!-- secret --><p>c</p>", "<p>c</p>"],
    ["<object data=\"x.swf\"></object><embed src=\"x\">", ""],
    ["<meta http-equiv=\"refresh\" content=\"0;url=javascript:alert(1)\">", ""],
    ["<scr<script>ipt>alert(1)</script>", "ipt>alert(1)"],
    ["&lt;script&gt;alert(1)&lt;/script&gt;", "&lt;script&gt;alert(1)&lt;/script&gt;"],
    ["<td colspan=\"2\" onclick=\"x\">a</td>", "<td colspan=\"2\">a</td>"],
    ["<img src=\"https://cdn.example/x.png\" width=\"100%\" alt=\"a\">", "<img src=\"https://cdn.example/x.png\" alt=\"a\">"],
    ["   ", ""],
  ];
  for (const [input, expected] of cases) {
    test(`${input.slice(0, 60)}`, async () => {
      const out = await sanitizeHtml(input);
      expect(out).toBe(expected);
      // Whatever the input, no executable surface survives.
      expect(out).not.toMatch(/<script|javascript:|\son\w+\s*=|style=|<iframe|<svg/i);
    });
  }
});

/** Every attribute name in `html` as a browser's parser sees it. */
async function attributeNames(html: string): Promise<string[]> {
  const names: string[] = [];
  await new HTMLRewriter()
    .on("*", { element: (el) => void names.push(...[...el.attributes].map(([n]) => n)) })
    .transform(new Response(html))
    .text();
  return names;
}

describe("quoting", () => {
  test("attribute values keep their original quoting, so a quote inside a value cannot open a new attribute", async () => {
    for (const input of [
      `<a title='x" onclick="alert(1)' href="/x" style="a">t</a>`,
      `<img alt='a" onerror="alert(1)' src="https://x.example/y.png" class="c">`,
      `<a title=x"y onmouseover=alert(1) href=/x>t</a>`,
    ]) {
      const out = await sanitizeHtml(input);
      const names = await attributeNames(out);
      expect(names.filter((n) => n.startsWith("on") || n === "style" || n === "class"), out).toEqual([]);
    }
  });
});

describe("isSafeUrl", () => {
  test("allows http(s), mailto and relative links; https only where asked", () => {
    expect(isSafeUrl("https://a.example/x", { httpsOnly: false })).toBe(true);
    expect(isSafeUrl("mailto:hi@a.example", { httpsOnly: false })).toBe(true);
    expect(isSafeUrl("/p/x?y=1:2", { httpsOnly: false })).toBe(true);
    expect(isSafeUrl("#top", { httpsOnly: false })).toBe(true);
    expect(isSafeUrl("x:y", { httpsOnly: false })).toBe(false);
    expect(isSafeUrl("", { httpsOnly: false })).toBe(false);
    expect(isSafeUrl("http://a.example", { httpsOnly: true })).toBe(false);
    expect(isSafeUrl("\u0001https://a.example", { httpsOnly: true })).toBe(true);
  });
});
