// Numbers, intervals and euros in the user's locale, with no more precision than they carry.
//
// Pure functions (no DOM, no storage): the locale is a parameter, so that tests can run them in
// node (tests/test_web_units.py). The rules (issue 16):
// - figures with an uncertainty show 2–3 significant digits, the same decimals for the median
//   and both ends of its interval;
// - an assumption (an order-of-magnitude cost range) is rounded coarser: 1 significant digit;
// - € is written on both ends of an interval: "€ 30.000 – € 100.000";
// - a value that rounds to zero is "0", never "-0" or "-0,0".

export type Locale = "nl" | "en";

const TAGS: Record<Locale, string> = { nl: "nl-NL", en: "en-GB" };

/** Decimals that give ``sig`` significant digits to the largest of ``values`` (negative:
 * round to tens, hundreds, …). Non-finite values are ignored; all zero gives 0. */
export function decimalsFor(values: number[], sig = 2): number {
  const big = Math.max(0, ...values.filter((v) => Number.isFinite(v)).map((v) => Math.abs(v)));
  if (big === 0) return 0;
  return sig - 1 - Math.floor(Math.log10(big));
}

/** ``value`` rounded to ``decimals`` (negative: to 10^-decimals), without a negative zero. */
export function roundTo(value: number, decimals: number): number {
  const f = 10 ** Math.abs(decimals);
  const r = decimals >= 0 ? Math.round(value * f) / f : Math.round(value / f) * f;
  return r === 0 ? 0 : r; // -0 → 0
}

/** ``value`` with ``decimals`` decimals (at least 0 shown) in ``locale``; "–" when there is
 * no value. Never "-0". */
export function formatFixed(value: number | null | undefined, decimals: number, locale: Locale = "nl"): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return "–";
  const d = Math.max(0, decimals);
  return new Intl.NumberFormat(TAGS[locale], { minimumFractionDigits: d, maximumFractionDigits: d })
    .format(roundTo(value, decimals));
}

/** ``value`` to ``sig`` significant digits (2–3 for a modelled figure). */
export function formatSig(value: number | null | undefined, sig = 2, locale: Locale = "nl"): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return "–";
  return formatFixed(value, Math.min(6, decimalsFor([value], sig)), locale);
}

/** A median with its interval, all three to the same decimals (``sig`` significant digits of
 * the largest): ``[median, lower, upper]``. */
export function intervalParts(median: number, lower: number, upper: number, sig = 2, locale: Locale = "nl"): [string, string, string] {
  const d = Math.min(6, decimalsFor([median, lower, upper], sig));
  return [formatFixed(median, d, locale), formatFixed(lower, d, locale), formatFixed(upper, d, locale)];
}

/** Euros: "€ 1.200" (nl) or "€1,200" (en); a million and more in words ("€ 1,2 miljoen"). */
export function formatEuro(value: number | null | undefined, sig = 2, locale: Locale = "nl"): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return "–";
  const r = roundTo(value, Math.min(2, decimalsFor([value], sig)));
  const sign = r < 0 ? "-" : "";
  const a = Math.abs(r);
  const space = locale === "nl" ? " " : "";
  if (a >= 1e6) {
    const text = new Intl.NumberFormat(TAGS[locale], {
      notation: "compact", compactDisplay: "long", maximumSignificantDigits: sig,
    }).format(a);
    return `${sign}€${space}${text}`;
  }
  return `${sign}€${space}${formatFixed(a, a >= 100 || Number.isInteger(a) ? 0 : 2, locale)}`;
}

/** A euro range with € on both ends: "€ 30.000 – € 100.000". An assumption is rounded to 1
 * significant digit (its order of magnitude); a cited range to 2. */
export function formatEuroRange(low: number, high: number, assumption = false, locale: Locale = "nl"): string {
  const sig = assumption ? 1 : 2;
  return `${formatEuro(low, sig, locale)} – ${formatEuro(high, sig, locale)}`;
}
