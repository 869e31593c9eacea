/** Calendar checks shared by the time parsers and entities (which cannot import data/): Date() rolls 2024-02-30 and 24:00 over. */

/** Days of each month in a common year. */
const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** True when the fields name a day of the (proleptic Gregorian) calendar and a time of day, 00:00:00–23:59:59. */
export function realDateTime(year: number, month: number, day: number, hour = 0, minute = 0, second = 0): boolean {
  if (month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 59) return false;
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  return day <= (month === 2 && leap ? 29 : MONTH_DAYS[month - 1]);
}
