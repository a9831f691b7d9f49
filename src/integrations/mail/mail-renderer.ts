import nunjucks from 'nunjucks';
import type { Commune } from '../../data/commune-repository.ts';
import type { OutgoingMail } from '../../data/mail-outbox-repository.ts';
import { addFilters, VIEWS_DIR } from '../../web/views.ts';

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
  const env = new nunjucks.Environment(new nunjucks.FileSystemLoader(VIEWS_DIR), { autoescape: true });
  const text = new nunjucks.Environment(new nunjucks.FileSystemLoader(VIEWS_DIR), { autoescape: false });
  addFilters(env);
  addFilters(text);
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
        text: text.render('mails/layout.text.njk', context),
        html: env.render('mails/layout.html.njk', context),
      };
    },
  };
}

export type MailRenderer = ReturnType<typeof mailRenderer>;
