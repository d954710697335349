import { describe, expect, test } from "bun:test";
import { CURRENCIES } from "../../../src/kernel/currency.ts";
import { decimalString, money } from "./format.ts";

/** Intl puts a no-break space between a currency code and the number. */
const shown = (amount: number, currency: string) => money({ amount, currency }).replace(/\u00a0/g, " ");

describe("storefront money", () => {
  test("minor units become an exact decimal by the server's exponent", () => {
    expect(decimalString(1999, 2)).toBe("19.99");
    expect(decimalString(5, 2)).toBe("0.05");
    expect(decimalString(0, 2)).toBe("0.00");
    expect(decimalString(-250, 2)).toBe("-2.50");
    expect(decimalString(1234, 0)).toBe("1234");
    expect(decimalString(1005, 3)).toBe("1.005");
    expect(() => decimalString(12.5, 2)).toThrow(RangeError);
  });

  test("formatted with symbol and grouping, and the digits of the integer (no float rounding)", () => {
    expect(shown(2500, "EUR")).toBe("€25.00");
    expect(shown(123456789, "EUR")).toBe("€1,234,567.89");
    expect(shown(1500, "JPY")).toBe("¥1,500");
    expect(shown(1005, "KWD")).toBe("KWD 1.005");
    // 0.1 + 0.2 style drift cannot happen: these amounts are not representable as binary fractions.
    expect(shown(1, "EUR")).toBe("€0.01");
    expect(shown(Number.MAX_SAFE_INTEGER, "USD")).toBe("$90,071,992,547,409.91");
    expect(money(null)).toBe("—");
  });

  test("every currency shows exactly its exponent's digits", () => {
    for (const [currency, e] of Object.entries(CURRENCIES)) {
      const text = money({ amount: 123456, currency });
      const fraction = /[.,](\d+)\D*$/.exec(text.replace(/,(?=\d{3})/g, ""));
      expect(`${currency} ${e === 0 ? "none" : fraction?.[1]?.length}`).toBe(`${currency} ${e === 0 ? "none" : e}`);
    }
  });
});
