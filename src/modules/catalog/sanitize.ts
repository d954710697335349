// Product descriptions are merchant HTML rendered by storefronts, so they are sanitized on write with an
// allowlist (Bun's built-in HTMLRewriter, a streaming HTML5 parser): unknown tags are unwrapped, dangerous ones
// dropped with their content, every attribute not listed is removed (event handlers, style), and URLs must be
// http(s), mailto or relative. Storing the clean version means no reader can forget to sanitize.

const ALLOWED: Record<string, readonly string[]> = {
  p: [], br: [], hr: [], strong: [], b: [], em: [], i: [], u: [], s: [], small: [], sub: [], sup: [], span: [],
  h2: [], h3: [], h4: [], h5: [], h6: [], ul: [], ol: [], li: [], blockquote: [], code: [], pre: [],
  table: [], thead: [], tbody: [], tr: [], th: ["colspan", "rowspan"], td: ["colspan", "rowspan"],
  a: ["href", "title"],
  img: ["src", "alt", "width", "height"],
};

/** Dropped together with everything inside them: their content is code or foreign markup, never prose. */
const DROP_WITH_CONTENT = new Set([
  "script", "style", "iframe", "frame", "frameset", "object", "embed", "applet", "template", "noscript", "svg",
  "math", "form", "input", "button", "select", "textarea", "link", "meta", "base", "head", "title", "xmp", "plaintext",
  "noembed", "noframes",
]);

const NAMED: Record<string, string> = { colon: ":", tab: "\t", newline: "\n", amp: "&", sol: "/", lpar: "(", rpar: ")" };

/** What a browser would see as the URL: entities decoded, whitespace and control characters dropped. */
function browserView(raw: string): string {
  const decoded = raw
    .replace(/&#x([0-9a-f]+);?/gi, (_, h: string) => String.fromCodePoint(Math.min(parseInt(h, 16), 0x10ffff)))
    .replace(/&#(\d+);?/g, (_, d: string) => String.fromCodePoint(Math.min(parseInt(d, 10), 0x10ffff)))
    .replace(/&([a-z]+);?/gi, (m, n: string) => NAMED[n.toLowerCase()] ?? m);
  // Browsers strip leading/trailing C0 controls and spaces, and ignore tabs/newlines anywhere in a URL.
  return decoded.replace(/[\u0000-\u0020\u007f-\u009f]/g, "").toLowerCase();
}

export function isSafeUrl(raw: string, opts: { httpsOnly: boolean }): boolean {
  const v = browserView(raw);
  if (v === "") return false;
  if (opts.httpsOnly) return v.startsWith("https://");
  if (v.startsWith("http://") || v.startsWith("https://") || v.startsWith("mailto:")) return true;
  // Relative: no scheme, i.e. no ":" before the first "/", "?" or "#". "//host" (protocol-relative) is allowed.
  const cut = v.search(/[/?#]/);
  return !(cut === -1 ? v : v.slice(0, cut)).includes(":");
}

export async function sanitizeHtml(html: string): Promise<string> {
  if (html.trim() === "") return "";
  const rewriter = new HTMLRewriter()
    .on("*", {
      element(el) {
        const tag = el.tagName.toLowerCase();
        if (DROP_WITH_CONTENT.has(tag)) return void el.remove();
        const allowed = ALLOWED[tag];
        if (!allowed) return void el.removeAndKeepContent();
        for (const [name, value] of [...el.attributes]) {
          const n = name.toLowerCase();
          if (!allowed.includes(n)) el.removeAttribute(name);
          else if (n === "href" && !isSafeUrl(value, { httpsOnly: false })) el.removeAttribute(name);
          else if ((n === "width" || n === "height" || n === "colspan" || n === "rowspan") && !/^\d{1,4}$/.test(value)) {
            el.removeAttribute(name);
          }
        }
        if (tag === "img") {
          const src = el.getAttribute("src");
          if (src === null || !isSafeUrl(src, { httpsOnly: true })) return void el.remove();
        }
        if (tag === "a" && el.hasAttribute("href")) el.setAttribute("rel", "nofollow noopener noreferrer");
      },
      comments(c) {
        c.remove();
      },
    })
    .onDocument({
      comments(c) {
        c.remove();
      },
    });
  const out = await rewriter.transform(new Response(html)).text();
  // HTMLRewriter passes unmatched end tags through untouched; drop those of tags we do not allow.
  return out
    .replace(/<!doctype[^>]*>/gi, "")
    .replace(/<\/([^\s>]+)\s*>/g, (m, name: string) => (Object.hasOwn(ALLOWED, name.toLowerCase()) ? m : ""))
    .trim();
}
