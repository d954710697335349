// EU VAT facts: member states, VAT number formats and the rates Trafi seeds.
// Sources: the European Commission's VIES format table and "VAT rates applied in the Member States" (2025).

/** ISO 3166-1 alpha-2 codes of the 27 member states. Greece's VAT numbers use the prefix EL, not GR. */
export const EU_COUNTRIES = [
  "AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GR", "HR", "HU", "IE", "IT", "LT", "LU", "LV",
  "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK",
] as const;

export const isEuCountry = (code: string): boolean => (EU_COUNTRIES as readonly string[]).includes(code);

/**
 * The body of each member state's VAT number after its 2-letter prefix (VIES formats). A format check only: it says
 * the number is well formed, not that it is registered (that needs a VIES call, never made inside a transaction).
 */
const VAT_FORMATS: Record<string, RegExp> = {
  AT: /^U\d{8}$/,
  BE: /^[01]\d{9}$/,
  BG: /^\d{9,10}$/,
  CY: /^\d{8}[A-Z]$/,
  CZ: /^\d{8,10}$/,
  DE: /^\d{9}$/,
  DK: /^\d{8}$/,
  EE: /^\d{9}$/,
  EL: /^\d{9}$/,
  ES: /^(?:[A-Z]\d{7}[A-Z0-9]|\d{8}[A-Z])$/,
  FI: /^\d{8}$/,
  FR: /^[0-9A-HJ-NP-Z]{2}\d{9}$/,
  HR: /^\d{11}$/,
  HU: /^\d{8}$/,
  IE: /^(?:\d{7}[A-W][A-I]?|\d[A-Z+*]\d{5}[A-W])$/,
  IT: /^\d{11}$/,
  LT: /^(?:\d{9}|\d{12})$/,
  LU: /^\d{8}$/,
  LV: /^\d{11}$/,
  MT: /^\d{8}$/,
  NL: /^\d{9}B\d{2}$/,
  PL: /^\d{10}$/,
  PT: /^\d{9}$/,
  RO: /^[1-9]\d{1,9}$/,
  SE: /^\d{10}01$/,
  SI: /^\d{8}$/,
  SK: /^\d{10}$/,
};

export interface VatNumberCheck {
  valid: boolean;
  /** The normalized number ("FR40303265045"), when it has a known prefix. */
  normalized: string | null;
  /** ISO country of the number (EL → GR), when the prefix is a member state. */
  countryCode: string | null;
}

/** Normalizes (upper case, no spaces, dots or dashes) and checks the format of the number's own country. */
export function checkVatNumber(input: string): VatNumberCheck {
  const normalized = input.toUpperCase().replace(/[\s.\-]/g, "");
  const prefix = normalized.slice(0, 2);
  const format = VAT_FORMATS[prefix];
  if (!format) return { valid: false, normalized: null, countryCode: null };
  return { valid: format.test(normalized.slice(2)), normalized, countryCode: prefix === "EL" ? "GR" : prefix };
}

export type TaxCategory = "standard" | "reduced" | "zero";
export const TAX_CATEGORIES: readonly TaxCategory[] = ["standard", "reduced", "zero"];

export interface SeedVatCountry {
  countryCode: string;
  name: string;
  /** Percent strings, exact in millionths. */
  standard: string;
  reduced: string;
  /** Other reduced rates of the country, listed for the record: products choose among three categories only. */
  otherReduced: string[];
}

/**
 * Seeded destination rates. The "reduced" category maps to the reduced rate that most everyday goods sold online
 * fall under (food products, most groceries); the other reduced rates (books and staples, hospitality) are listed
 * but not mapped. FR 5.5 (10 is restaurants/transport), DE 7, IT 10 (4 and 5 are staples/books and some care
 * goods), ES 10 (4 is staples/books), NL 9, BE 6 (12 is restaurants and some specific goods).
 */
export const EU_SEED_RATES: readonly SeedVatCountry[] = [
  { countryCode: "FR", name: "France", standard: "20", reduced: "5.5", otherReduced: ["10", "2.1"] },
  { countryCode: "DE", name: "Germany", standard: "19", reduced: "7", otherReduced: [] },
  { countryCode: "IT", name: "Italy", standard: "22", reduced: "10", otherReduced: ["4", "5"] },
  { countryCode: "ES", name: "Spain", standard: "21", reduced: "10", otherReduced: ["4"] },
  { countryCode: "NL", name: "Netherlands", standard: "21", reduced: "9", otherReduced: [] },
  { countryCode: "BE", name: "Belgium", standard: "21", reduced: "6", otherReduced: ["12"] },
];

export const REVERSE_CHARGE_NOTE =
  "VAT reverse charge: intra-Community supply exempt under Article 138 of Directive 2006/112/EC; VAT is due by the customer (Article 196).";
