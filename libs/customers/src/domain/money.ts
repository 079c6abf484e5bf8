/**
 * Money as integer minor units with an ISO 4217 currency code. The codes are
 * the active ISO 4217 list; the minor-unit exponent is not needed because
 * amounts are always given in minor units.
 */
export const ISO_4217_CODES: ReadonlySet<string> = new Set(
  (
    'AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB BRL BSD BTN BWP BYN BZD ' +
    'CAD CDF CHF CLP CNY COP CRC CUP CVE CZK DJF DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP GEL GHS GIP GMD GNF ' +
    'GTQ GYD HKD HNL HTG HUF IDR ILS INR IQD IRR ISK JMD JOD JPY KES KGS KHR KMF KPW KRW KWD KYD KZT LAK LBP ' +
    'LKR LRD LSL LYD MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MYR MZN NAD NGN NIO NOK NPR NZD OMR PAB ' +
    'PEN PGK PHP PKR PLN PYG QAR RON RSD RUB RWF SAR SBD SCR SDG SEK SGD SHP SLE SOS SRD SSP STN SVC SYP SZL ' +
    'THB TJS TMT TND TOP TRY TTD TWD TZS UAH UGX USD UYU UZS VED VES VND VUV WST XAF XCD XCG XOF XPF YER ZAR ZMW ZWG'
  ).split(' '),
);

export interface Money {
  /** Integer amount in the currency's minor unit (cents, pence, …). */
  readonly amountMinor: number;
  /** ISO 4217 alphabetic code. */
  readonly currency: string;
}

export function isCurrencyCode(value: string): boolean {
  return ISO_4217_CODES.has(value);
}

/** Largest amount the product accepts in one figure: safely integral in JavaScript and in PostgreSQL bigint. */
export const MAX_AMOUNT_MINOR = 1_000_000_000_000_00;

/**
 * Largest sum of one customer's purchases in one currency: 2^53 − 1, the
 * largest whole number every JSON reader and JavaScript holds exactly. A
 * purchase that would pass it is refused (CUSTOMER_TOTAL_TOO_LARGE).
 */
export const MAX_CUSTOMER_TOTAL_MINOR = Number.MAX_SAFE_INTEGER;
