// Countries: ISO 3166-1 alpha-2 codes, checked against ICU's region table (the regex alone lets "XX" and "UK" in).

const NOT_COUNTRIES = new Set(["UK", "EU", "UN", "EZ", "QO"]);
const regionNames = new Intl.DisplayNames(["en"], { type: "region" });

/** ISO 3166-1 alpha-2: the regex lets "XX" through, the ICU region table does not. */
export function isCountryCode(code: string): boolean {
  if (!/^[A-Z]{2}$/.test(code) || NOT_COUNTRIES.has(code)) return false;
  const name = regionNames.of(code);
  return name !== undefined && name !== code && name !== "Unknown Region";
}

/**
 * The subdivision part of an address's region, upper case: "CN" for both "CN" and "ES-CN" in Spain (ISO 3166-2 codes
 * are written with or without their country prefix; tax zones store them without).
 */
export function subdivisionOf(countryCode: string, region: string | null | undefined): string | null {
  if (!region) return null;
  const r = region.trim().toUpperCase();
  const prefix = `${countryCode.toUpperCase()}-`;
  return r.startsWith(prefix) ? r.slice(prefix.length) : r;
}
