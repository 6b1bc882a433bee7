const COPENHAGEN = new Intl.DateTimeFormat("en-CA", {
  timeZone: "Europe/Copenhagen",
  year: "numeric",
  month: "2-digit",
  day: "2-digit",
});

/**
 * The calendar date of `at` in Copenhagen (YYYY-MM-DD), the municipality's
 * day, which the service checks dates against whatever the browser's own
 * time zone. Not `toISOString()`, which is UTC's date: in Copenhagen that is
 * the previous day from midnight until 01:00 (02:00 in summer), and a local
 * 1 January is 31 December.
 */
export function isoDate(at = new Date()): string {
  const part = (type: Intl.DateTimeFormatPartTypes) => COPENHAGEN.formatToParts(at).find((p) => p.type === type)?.value;
  return `${part("year")}-${part("month")}-${part("day")}`;
}
