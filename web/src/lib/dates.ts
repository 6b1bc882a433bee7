/**
 * The calendar date of `at` where the user is (YYYY-MM-DD). Not
 * `toISOString()`, which is UTC's date: in Copenhagen that is the previous
 * day from midnight until 01:00 (02:00 in summer), and a local 1 January is
 * 31 December.
 */
export function isoDate(at = new Date()): string {
  const y = at.getFullYear();
  const m = String(at.getMonth() + 1).padStart(2, "0");
  const d = String(at.getDate()).padStart(2, "0");
  return `${y}-${m}-${d}`;
}
