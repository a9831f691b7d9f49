import * as cheerio from 'cheerio';
import type request from 'supertest';

export const TWICE = ['in sequence', 'at the same moment'] as const;
export type Twice = (typeof TWICE)[number];

/**
 * The hidden fields of the page's form (its CSRF token, its one-time key), as a browser posts
 * them back: a double click or a refreshed POST sends exactly these again.
 */
export async function hiddenFieldsOf(agent: request.Agent, page: string): Promise<Record<string, string>> {
  const response = await agent.get(page);
  const $ = cheerio.load(response.text);
  const form = $('main form[method="post"]').first();
  if (!form.length) throw new Error(`no form on ${page} (status ${response.status})`);
  return Object.fromEntries(
    form
      .find('input[type="hidden"]')
      .map((_, input) => [[$(input).attr('name')!, String($(input).val() ?? '')]])
      .get() as [string, string][],
  );
}

/** Sends the same submission twice: one after the other (a refreshed POST) or together (a double click). */
export async function twice(how: Twice, send: () => Promise<request.Response>): Promise<request.Response[]> {
  if (how === 'in sequence') return [await send(), await send()];
  return Promise.all([send(), send()]);
}
