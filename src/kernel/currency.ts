// ISO 4217 currencies Trafi accepts, with their minor-unit exponent (money is integer minor units: API.md).
export const CURRENCIES: Readonly<Record<string, number>> = {
  EUR: 2, USD: 2, GBP: 2, CHF: 2, SEK: 2, NOK: 2, DKK: 2, PLN: 2, CZK: 2, HUF: 2, RON: 2, BGN: 2, ISK: 0,
  CAD: 2, AUD: 2, NZD: 2, JPY: 0, CNY: 2, HKD: 2, SGD: 2, KRW: 0, INR: 2, BRL: 2, MXN: 2, ZAR: 2, TRY: 2,
  AED: 2, SAR: 2, ILS: 2, THB: 2, MYR: 2, IDR: 2, PHP: 2, VND: 0, CLP: 0, COP: 2, ARS: 2, PEN: 2, UAH: 2,
  KWD: 3, BHD: 3, JOD: 3, OMR: 3, TND: 3,
};

export const isCurrency = (code: string): boolean => Object.hasOwn(CURRENCIES, code);

export function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}
