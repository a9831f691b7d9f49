/*
 * What the load generator reads from the app's answers, as a browser would: the session cookie,
 * the CSRF token and the weekly grid's form. Pure functions, unit-tested (tests/unit/bench-pages.test.ts).
 */

export type Headers = Record<string, string | string[] | undefined>;

function header(headers: Headers, name: string): string[] {
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() === name && value !== undefined) return Array.isArray(value) ? value : [value];
  }
  return [];
}

/** The session cookie a `Set-Cookie` header gives, as the `Cookie` header to send back (or undefined). */
export function sessionCookieFrom(headers: Headers, name = 'ef.sid'): string | undefined {
  const cookie = header(headers, 'set-cookie').find((value) => value.startsWith(`${name}=`));
  return cookie?.split(';', 1)[0];
}

export function locationOf(headers: Headers): string | undefined {
  return header(headers, 'location')[0];
}

const decode = (value: string) =>
  value.replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');

/** The value of the first hidden `_csrf` field of a page. */
export function csrfTokenFrom(html: string): string | undefined {
  const match = /name="_csrf" value="([^"]*)"/.exec(html);
  return match ? decode(match[1]!) : undefined;
}

export interface WeekForm {
  csrf: string;
  week: string;
  /** The cells the page drew (`avant`). */
  shown: string;
  /** Every changeable cell, and whether it is ticked. */
  cells: { key: string; checked: boolean }[];
}

/** The « Valider » form of a child's week (views/pages/portal/booking-week.njk). */
export function weekFormFrom(html: string): WeekForm | undefined {
  const csrf = csrfTokenFrom(html);
  const week = /name="semaine" value="([^"]*)"/.exec(html)?.[1];
  const shown = /name="avant" value="([^"]*)"/.exec(html)?.[1];
  if (!csrf || !week || shown === undefined) return undefined;
  const cells = [...html.matchAll(/<input type="checkbox" id="[^"]*" name="jours" value="([^"]*)"( checked)?/g)].map((match) => ({
    key: decode(match[1]!),
    checked: Boolean(match[2]),
  }));
  return { csrf, week, shown: decode(shown), cells };
}

/** A changed week: the first ticked cell unticked, or the first free one ticked when none is. */
export function changedWeek(form: WeekForm): string[] {
  const ticked = form.cells.filter((cell) => cell.checked).map((cell) => cell.key);
  if (ticked.length) return ticked.slice(1);
  const first = form.cells[0];
  return first ? [first.key] : [];
}

/** An `application/x-www-form-urlencoded` body; an array value repeats its field. */
export function formBody(fields: Record<string, string | string[]>): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(fields)) {
    for (const one of Array.isArray(value) ? value : [value]) params.append(name, one);
  }
  return params.toString();
}

/** The p-th percentile (0–100) of a list of numbers, nearest rank; undefined for an empty list. */
export function percentile(values: readonly number[], p: number): number | undefined {
  if (!values.length) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1];
}

/**
 * How many parents arrive in each second of the rush: `total` spread evenly over `seconds`, the
 * remainder given to the first seconds (2,500 over 60 s: 42 a second for 40 s, then 41).
 */
export function arrivalsPerSecond(total: number, seconds: number): number[] {
  const base = Math.floor(total / seconds);
  const extra = total % seconds;
  return Array.from({ length: seconds }, (_, second) => base + (second < extra ? 1 : 0));
}
