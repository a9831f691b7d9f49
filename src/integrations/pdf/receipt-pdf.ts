import PDFDocument from 'pdfkit';
import { drawLetterhead, INK, MARGIN, MUTED, winAnsi } from './letterhead.ts';
import { formatAmount, formatDate, formatDateTime } from '../../i18n/format.ts';
import { invoicePeriodWords } from '../../i18n/invoice-words.ts';
import { paymentMeansWords } from '../../i18n/payment-words.ts';
import type { Commune } from '../../model/commune.ts';
import type { Family } from '../../model/family.ts';
import type { Payment } from '../../model/payment.ts';

export interface ReceiptPdfData {
  /** A paid payment: its receipt number and payment time are set. */
  payment: Payment;
  commune: Commune;
  address: Pick<Family, 'addressLine' | 'postcode' | 'city'>;
}

const RULE = '#b0b4ba';

/**
 * The receipt (« quittance ») of a paid payment (pdfkit), pure: the régie top left, the family top
 * right, the receipt number, when and how it was paid, one row per invoice it settled, the amount.
 */
export function renderReceiptPdf({ payment, commune, address }: ReceiptPdfData): Promise<Buffer> {
  if (payment.status !== 'paid' || !payment.receiptNumber || !payment.paidAt) throw new Error(`payment ${payment.id} is not paid: no receipt`);
  const settings = commune.settings;
  const contacts = settings.contacts;
  const paidAt = payment.paidAt;
  const doc = new PDFDocument({
    size: 'A4',
    margin: MARGIN,
    lang: 'fr-FR',
    info: {
      Title: winAnsi(`Reçu ${payment.receiptNumber}`),
      Author: winAnsi(settings.officialName),
      Subject: winAnsi(`Reçu ${payment.receiptNumber} – famille ${payment.familyName}`),
      CreationDate: paidAt,
    },
  });
  const chunks: Buffer[] = [];
  doc.on('data', (chunk: Buffer) => chunks.push(chunk));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });

  const pageWidth = doc.page.width;
  const width = pageWidth - 2 * MARGIN;

  let y = drawLetterhead(doc, commune, { name: payment.familyName, reference: payment.familyReference, ...address }, false);
  doc.fillColor(INK).font('Helvetica-Bold').fontSize(18).text(winAnsi(`Reçu n° ${payment.receiptNumber}`), MARGIN, y, { width });
  y = doc.y + 6;
  const facts: [string, string][] = [
    ['Payé le', formatDateTime(paidAt)],
    ['Mode de paiement', paymentMeansWords(payment)],
    ['Montant reçu', formatAmount(payment.amountCents)],
  ];
  for (const [label, value] of facts) {
    doc.font('Helvetica-Bold').fontSize(10).text(winAnsi(`${label} :`), MARGIN, y, { width: 130 });
    doc.font('Helvetica').text(winAnsi(value), MARGIN + 130, y, { width: width - 130 });
    y = doc.y + 2;
  }

  y += 14;
  doc.rect(MARGIN, y, width, 18).fill('#e8eaed');
  doc.fillColor(INK).font('Helvetica-Bold').fontSize(9);
  doc.text('Facture', MARGIN + 4, y + 5, { width: 160, lineBreak: false });
  doc.text(winAnsi('Période'), MARGIN + 170, y + 5, { width: 200, lineBreak: false });
  doc.text('Montant', MARGIN + width - 104, y + 5, { width: 100, align: 'right', lineBreak: false });
  y += 24;
  doc.font('Helvetica').fontSize(10);
  for (const invoice of payment.invoices) {
    doc.text(winAnsi(invoice.number), MARGIN + 4, y, { width: 160, lineBreak: false });
    doc.text(winAnsi(invoicePeriodWords(invoice)), MARGIN + 170, y, { width: 200, lineBreak: false });
    doc.text(winAnsi(formatAmount(invoice.amountCents)), MARGIN + width - 104, y, { width: 100, align: 'right', lineBreak: false });
    y += 18;
    doc.moveTo(MARGIN, y - 5).lineTo(MARGIN + width, y - 5).lineWidth(0.5).stroke(RULE);
  }
  y += 4;
  doc.font('Helvetica-Bold').fontSize(12).text(winAnsi('Total payé'), MARGIN + width - 364, y, { width: 250, align: 'right', lineBreak: false });
  doc.text(winAnsi(formatAmount(payment.amountCents)), MARGIN + width - 104, y, { width: 100, align: 'right', lineBreak: false });
  y += 30;
  const count = payment.invoices.length;
  doc.fillColor(MUTED).font('Helvetica').fontSize(9).text(
    winAnsi(
      `${count > 1 ? 'Ces factures sont soldées' : 'Cette facture est soldée'}. Reçu délivré le ${formatDate(paidAt)} par la régie de la ${settings.officialName.charAt(0).toLocaleLowerCase('fr')}${settings.officialName.slice(1)} (${contacts.service}).`,
    ),
    MARGIN,
    y,
    { width },
  );
  doc.end();
  return done;
}
