import path from 'node:path';
import nunjucks from 'nunjucks';
import type { Commune } from '../../data/commune-repository.ts';
import type { OutgoingMail } from '../../data/mail-outbox-repository.ts';
import { FRENCH_FILTERS } from '../../i18n/template-filters.ts';

/** The mail layouts (text and HTML), next to the page templates but read only by this renderer. */
const MAIL_VIEWS_DIR = path.resolve(import.meta.dirname, '../../../views/mails');

function mailEnvironment(autoescape: boolean): nunjucks.Environment {
  const env = new nunjucks.Environment(new nunjucks.FileSystemLoader(MAIL_VIEWS_DIR), { autoescape });
  for (const [name, filter] of Object.entries(FRENCH_FILTERS)) env.addFilter(name, filter);
  return env;
}

/** What a service says in a mail; the renderer turns it into French text and HTML, signed by the commune. */
export interface MailContent {
  kind: string;
  to: string;
  subject: string;
  greeting: string;
  paragraphs: string[];
  action?: { label: string; url: string };
  afterAction?: string[];
}

export function mailRenderer(publicUrl: string) {
  const html = mailEnvironment(true);
  const text = mailEnvironment(false);
  return {
    publicUrl,
    /** An absolute link inside the commune's portal, for mails. */
    link(commune: Commune, path: string): string {
      return `${publicUrl}/${commune.slug}${path}`;
    },
    render(commune: Commune, content: MailContent): OutgoingMail {
      const context = { ...content, commune, settings: commune.settings, portalUrl: `${publicUrl}/${commune.slug}` };
      return {
        kind: content.kind,
        to: content.to,
        subject: `${content.subject} – ${commune.settings.portalName}, ${commune.settings.officialName}`,
        text: text.render('layout.text.njk', context),
        html: html.render('layout.html.njk', context),
      };
    },
  };
}

export type MailRenderer = ReturnType<typeof mailRenderer>;
