import { afterEach, describe, expect, test } from "bun:test";
import { CURRENCIES } from "../../../src/kernel/currency.ts";
import { exponent, fromMinor, money, toMinor } from "./format.ts";

const RealNumberFormat = Intl.NumberFormat;
afterEach(() => {
  Intl.NumberFormat = RealNumberFormat;
});

/** Intl as V8 (Chrome, Edge) has it: 0 fraction digits by default for HUF, IDR and COP (Bun's JSC says 2). */
function likeV8(): void {
  const zero = new Set(["HUF", "IDR", "COP"]);
  Intl.NumberFormat = function (locales?: string | string[], options?: Intl.NumberFormatOptions) {
    const o = { ...options };
    if (o.currency && zero.has(o.currency)) {
      o.minimumFractionDigits ??= 0;
      o.maximumFractionDigits ??= 0;
    }
    return new RealNumberFormat(locales, o);
  } as unknown as typeof Intl.NumberFormat;
}

/** Intl puts a no-break space between a currency code and the number. */
const shown = (amount: number | null, currency: string) => money(amount, currency).replace(/\u00a0/g, " ");

describe("dashboard money", () => {
  test("every currency's exponent is the server's (not the browser's Intl)", () => {
    likeV8();
    for (const [c, e] of Object.entries(CURRENCIES)) expect(`${c} ${exponent(c)}`).toBe(`${c} ${e}`);
  });

  test("amounts show and are typed in the server's minor units, whatever the browser's defaults", () => {
    likeV8();
    expect(shown(100000, "HUF")).toBe("HUF 1,000.00");
    expect(shown(123456, "IDR")).toBe("IDR 1,234.56");
    expect(toMinor("500", "HUF")).toBe(50000);
    expect(fromMinor(50000, "HUF")).toBe("500.00");
    expect(shown(1234, "JPY")).toBe("¥1,234");
    expect(shown(1234, "KWD")).toBe("KWD 1.234");
    expect(shown(1250, "EUR")).toBe("€12.50");
    expect(toMinor("12.505", "EUR")).toBe(1251);
    expect(shown(null, "EUR")).toBe("—");
  });
});
