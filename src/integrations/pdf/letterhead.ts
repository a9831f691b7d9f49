import type { Commune } from '../../model/commune.ts';

/** PDFKit's standard fonts speak WinAnsi: French letters and « » are there, thin spaces are not. */
export const winAnsi = (text: string) => text.replace(/[\u202f\u2009]/g, ' ').replace(/\u2019/g, "'");

export const MARGIN = 48;
export const INK = '#1b1b1b';
export const MUTED = '#4a4a4a';

/**
 * The head of a document the régie sends (invoice, receipt): the commune's colour band, the issuer
 * top left (with its phones and e-mail when `withContacts`), the family top right where a window
 * envelope shows it. Returns where the body starts.
 */
export function drawLetterhead(
  doc: PDFKit.PDFDocument,
  commune: Commune,
  family: { name: string; reference: string; addressLine: string | null; postcode: string | null; city: string | null },
  withContacts: boolean,
): number {
  const { settings } = commune;
  const { contacts } = settings;
  const width = doc.page.width - 2 * MARGIN;
  doc.rect(0, 0, doc.page.width, 12).fill(settings.identity.primaryColour);
  const leftWidth = 250;
  doc.fillColor(INK).font('Helvetica-Bold').fontSize(13).text(winAnsi(settings.officialName), MARGIN, 36, { width: leftWidth });
  doc.font('Helvetica').fontSize(9).text(winAnsi(`${contacts.service} – ${settings.portalName}`), { width: leftWidth });
  doc.text(winAnsi(contacts.address), { width: leftWidth });
  if (withContacts) {
    for (const phone of contacts.phones) doc.text(winAnsi(`Tél. ${phone.number}${phone.label && phone.label !== contacts.service ? ` (${phone.label})` : ''}`), { width: leftWidth });
    if (contacts.email) doc.text(winAnsi(`Courriel : ${contacts.email}`), { width: leftWidth });
  }
  const issuerBottom = doc.y;

  const rightX = MARGIN + 290;
  const rightWidth = width - 290;
  doc.font('Helvetica-Bold').fontSize(11).text(winAnsi(`Famille ${family.name}`), rightX, 60, { width: rightWidth });
  doc.font('Helvetica').fontSize(10);
  if (family.addressLine) doc.text(winAnsi(family.addressLine), { width: rightWidth });
  const town = [family.postcode, family.city].filter(Boolean).join(' ');
  if (town) doc.text(winAnsi(town), { width: rightWidth });
  doc.fontSize(9).fillColor(MUTED).text(winAnsi(`Dossier n° ${family.reference}`), { width: rightWidth });
  return Math.max(issuerBottom, doc.y) + 24;
}

