import PDFDocument from 'pdfkit';
import { drawLetterhead, INK, MARGIN, MUTED, winAnsi } from './letterhead.ts';
import { formatAmount, formatDate } from '../../i18n/format.ts';
import {
  chargeWords,
  daysInWords,
  INVOICE_KIND_LABELS,
  invoicePeriodWords,
  invoiceQuotientWords,
  invoiceStatusSentence,
} from '../../i18n/invoice-words.ts';
import { ofTheService, toTheService } from '../../i18n/service-name.ts';
import { priceRuleWords, siblingReductionWords } from '../../i18n/tariff-words.ts';
import type { Commune } from '../../model/commune.ts';
import type { Family } from '../../model/family.ts';
import type { InvoiceLine, InvoiceWithLines } from '../../model/invoice.ts';

/** Where the invoice is sent: the family's postal address, as the family file holds it. */
export type InvoiceAddress = Pick<Family, 'addressLine' | 'postcode' | 'city'>;

export interface InvoicePdfData {
  invoice: InvoiceWithLines;
  commune: Commune;
  address: InvoiceAddress;
}

/** Below this line of each page: the footer (how to pay, who issues, the page number). */
const FOOTER_HEIGHT = 92;
const RULE = '#b0b4ba';

interface Column {
  title: string;
  width: number;
  align: 'left' | 'right';
}

/** Child, activity, unit price, quantity, reduction, amount: 499 points, the A4 width inside the margins. */
const COLUMNS: Column[] = [
  { title: 'Enfant', width: 92, align: 'left' },
  { title: 'Activité', width: 155, align: 'left' },
  { title: 'Prix unitaire', width: 68, align: 'right' },
  { title: 'Quantité', width: 48, align: 'right' },
  { title: 'Réduction', width: 62, align: 'right' },
  { title: 'Montant', width: 74, align: 'right' },
];
const CELL_PADDING = 4;

function lowerFirst(text: string): string {
  return text.charAt(0).toLocaleLowerCase('fr') + text.slice(1);
}

/** What a line says under its cells: the rule that priced it, the kind of days, its days. */
function lineNotes(line: InvoiceLine): { rule: string; days: string } {
  const rule = [chargeWords(line.charge), priceRuleWords(line.rule), line.siblingReductionPercent ? siblingReductionWords(line.siblingReductionPercent) : undefined]
    .filter(Boolean)
    .join(' · ');
  return { rule: rule.charAt(0).toLocaleUpperCase('fr') + rule.slice(1), days: `Jours facturés : ${daysInWords(line.days)}` };
}

/**
 * An invoice or a credit note as a régie sends it (pdfkit), pure: the commune's identity top left,
 * the family's address top right, the number, period, dates and quotient used, one row per line
 * with its days under it, the totals, the status, and how to pay in the footer of every page.
 */
export function renderInvoicePdf({ invoice, commune, address }: InvoicePdfData): Promise<Buffer> {
  const settings = commune.settings;
  const contacts = settings.contacts;
  const kind = INVOICE_KIND_LABELS[invoice.kind];
  const isCredit = invoice.kind === 'credit_note';
  const doc = new PDFDocument({
    size: 'A4',
    margin: MARGIN,
    lang: 'fr-FR',
    bufferPages: true,
    info: {
      Title: winAnsi(`${kind} ${invoice.number}`),
      Author: winAnsi(settings.officialName),
      Subject: winAnsi(`${kind} ${invoice.number} – famille ${invoice.familyName} – ${invoicePeriodWords(invoice)}`),
      CreationDate: invoice.issuedAt,
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
  const bottom = () => doc.page.height - FOOTER_HEIGHT;

  // The issuer, top left; the family, top right (where a window envelope shows it).
  let y = drawLetterhead(doc, commune, { name: invoice.familyName, reference: invoice.familyReference, ...address }, true);
  doc.fillColor(INK).font('Helvetica-Bold').fontSize(18).text(winAnsi(`${kind} n° ${invoice.number}`), MARGIN, y, { width });
  y = doc.y + 6;
  const facts: [string, string][] = [
    ['Période', invoicePeriodWords(invoice)],
    ["Date d'émission", formatDate(invoice.issuedAt)],
  ];
  if (!isCredit) facts.push(["Date d'échéance", formatDate(invoice.dueOn)]);
  if (invoice.creditFor) facts.push(['Corrige la facture', invoice.creditFor.number]);
  if (invoice.reason) facts.push(['Motif', invoice.reason]);
  facts.push(['Quotient familial', invoiceQuotientWords(invoice.quotient)]);
  for (const [label, value] of facts) {
    doc.font('Helvetica-Bold').fontSize(10).text(winAnsi(`${label} :`), MARGIN, y, { width: 130 });
    doc.font('Helvetica').text(winAnsi(value), MARGIN + 130, y, { width: width - 130 });
    y = doc.y + 2;
  }

  // The status, framed so it reads first.
  y += 8;
  const status = invoiceStatusSentence(invoice);
  doc.font('Helvetica-Bold').fontSize(11);
  const statusHeight = doc.heightOfString(winAnsi(status), { width: width - 16 }) + 12;
  doc.lineWidth(1.5).rect(MARGIN, y, width, statusHeight).stroke(invoice.status === 'overdue' ? '#a3122a' : INK);
  doc.fillColor(invoice.status === 'overdue' ? '#a3122a' : INK).text(winAnsi(status), MARGIN + 8, y + 6, { width: width - 16 });
  y += statusHeight + 18;

  const drawHeader = () => {
    doc.rect(MARGIN, y, width, 18).fill('#e8eaed');
    doc.fillColor(INK).font('Helvetica-Bold').fontSize(9);
    let x = MARGIN;
    for (const column of COLUMNS) {
      doc.text(winAnsi(column.title), x + CELL_PADDING, y + 5, { width: column.width - 2 * CELL_PADDING, align: column.align, lineBreak: false });
      x += column.width;
    }
    y += 22;
  };

  const newPage = () => {
    doc.addPage();
    y = MARGIN;
    doc.fillColor(INK).font('Helvetica-Bold').fontSize(11).text(winAnsi(`${kind} n° ${invoice.number} (suite)`), MARGIN, y, { width });
    y = doc.y + 8;
    drawHeader();
  };

  drawHeader();
  for (const line of invoice.lines) {
    const cells = [
      line.childName,
      line.activityName,
      formatAmount(line.unitPriceCents),
      String(line.quantity),
      line.reductionCents ? formatAmount(-line.reductionCents) : '–',
      formatAmount(line.amountCents),
    ].map(winAnsi);
    const notes = lineNotes(line);
    doc.font('Helvetica').fontSize(9);
    const cellsHeight = Math.max(...cells.map((cell, index) => doc.heightOfString(cell, { width: COLUMNS[index]!.width - 2 * CELL_PADDING })));
    doc.fontSize(7.5);
    const notesWidth = width - COLUMNS[0]!.width - 2 * CELL_PADDING;
    const notesHeight = doc.heightOfString(winAnsi(notes.rule), { width: notesWidth }) + doc.heightOfString(winAnsi(notes.days), { width: notesWidth });
    const rowHeight = cellsHeight + notesHeight + 10;
    if (y + rowHeight > bottom()) newPage();

    doc.fillColor(INK).font('Helvetica').fontSize(9);
    let x = MARGIN;
    cells.forEach((cell, index) => {
      const column = COLUMNS[index]!;
      doc.text(cell, x + CELL_PADDING, y, { width: column.width - 2 * CELL_PADDING, align: column.align });
      x += column.width;
    });
    const notesX = MARGIN + COLUMNS[0]!.width + CELL_PADDING;
    doc.fillColor(MUTED).fontSize(7.5).text(winAnsi(notes.rule), notesX, y + cellsHeight + 2, { width: notesWidth });
    doc.text(winAnsi(notes.days), notesX, doc.y, { width: notesWidth });
    y += rowHeight;
    doc.moveTo(MARGIN, y - 4).lineTo(MARGIN + width, y - 4).lineWidth(0.5).stroke(RULE);
  }
  if (!invoice.lines.length) {
    doc.fillColor(MUTED).font('Helvetica').fontSize(9).text('Aucune ligne.', MARGIN + CELL_PADDING, y, { width });
    y = doc.y + 8;
  }

  // Totals, right-aligned under the amounts.
  const gross = invoice.lines.reduce((sum, line) => sum + line.grossCents, 0);
  const reductions = invoice.lines.reduce((sum, line) => sum + line.reductionCents, 0);
  const totals: [string, string, boolean][] = [];
  if (reductions) {
    totals.push(['Montant brut', formatAmount(gross), false]);
    totals.push(['Réductions', formatAmount(-reductions), false]);
  }
  totals.push([isCredit ? "Montant de l'avoir" : 'Total à payer', formatAmount(invoice.totalCents), true]);
  if (y + totals.length * 18 + 10 > bottom()) newPage();
  y += 6;
  const labelX = MARGIN + width - 260;
  for (const [label, amount, strong] of totals) {
    doc.fillColor(INK).font(strong ? 'Helvetica-Bold' : 'Helvetica').fontSize(strong ? 12 : 10);
    doc.text(winAnsi(label), labelX, y, { width: 170, align: 'right', lineBreak: false });
    doc.text(winAnsi(amount), labelX + 170, y, { width: 90 - CELL_PADDING, align: 'right', lineBreak: false });
    y += strong ? 20 : 15;
  }
  if (isCredit && invoice.creditFor) {
    doc.font('Helvetica').fontSize(9).fillColor(MUTED).text(
      winAnsi(`Cet avoir vient en déduction de la facture n° ${invoice.creditFor.number}.`),
      MARGIN,
      y + 6,
      { width },
    );
  }

  // The footer of every page: how to pay, who issues the invoice, the page number.
  const service = contacts.service;
  const where = [contacts.address, ...contacts.openingHours.map((slot) => `${lowerFirst(slot.days)}, ${slot.hours}`)].join(' – ');
  const howToPay = isCredit
    ? `Pour toute question sur cet avoir, adressez-vous ${toTheService(service)} (${where}) en indiquant son numéro.`
    : `Comment payer : ${settings.features.onlinePayment ? `en ligne sur votre espace famille (${settings.portalName}), ou ` : ''}auprès ${ofTheService(service)}, ${where}. Rappelez le numéro ${invoice.number} pour tout paiement ou toute question.`;
  const issuer = `${kind} émis${isCredit ? '' : 'e'} par la régie de la ${lowerFirst(settings.officialName)} (${service}).${isCredit ? '' : ' Cette facture ne vaut pas quittance : la régie constate le paiement à sa réception.'}`;
  const range = doc.bufferedPageRange();
  for (let index = range.start; index < range.start + range.count; index += 1) {
    doc.switchToPage(index);
    // Writing below the bottom margin would open a new page: the footer is placed, not flowed.
    doc.page.margins.bottom = 0;
    const top = doc.page.height - FOOTER_HEIGHT + 14;
    doc.moveTo(MARGIN, top - 6).lineTo(MARGIN + width, top - 6).lineWidth(0.5).stroke(RULE);
    doc.fillColor(MUTED).font('Helvetica').fontSize(7.5).text(winAnsi(howToPay), MARGIN, top, { width });
    doc.text(winAnsi(issuer), { width });
    doc.text(winAnsi(`${kind} n° ${invoice.number} – page ${index - range.start + 1} sur ${range.count}`), { width, align: 'right' });
  }
  doc.end();
  return done;
}
