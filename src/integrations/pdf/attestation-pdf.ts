import PDFDocument from 'pdfkit';
import { winAnsi } from './letterhead.ts';
import type { Commune } from '../../data/commune-repository.ts';
import { formatDate } from '../../i18n/format.ts';
import { capitalise, theService } from '../../i18n/service-name.ts';

export interface AttestationData {
  commune: Commune;
  reference: string;
  familyName: string;
  familyReference: string;
  child: { firstName: string; lastName: string; birthDate: string | null };
  activityName: string;
  schoolYear: string;
  startsOn: string;
  endsOn: string;
  validatedAt: Date;
  issuedAt: Date;
}

/** « attestation d'inscription » as a real PDF (pdfkit), with the commune's identity. */
export function renderRegistrationAttestation(data: AttestationData): Promise<Buffer> {
  const { commune } = data;
  const settings = commune.settings;
  const doc = new PDFDocument({
    size: 'A4',
    margin: 56,
    lang: 'fr-FR',
    info: {
      Title: winAnsi(`Attestation d'inscription ${data.reference}`),
      Author: winAnsi(settings.officialName),
      Subject: winAnsi(`${data.activityName} – ${data.child.firstName} ${data.child.lastName}`),
      CreationDate: data.issuedAt,
    },
  });
  const chunks: Buffer[] = [];
  doc.on('data', (chunk: Buffer) => chunks.push(chunk));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });

  const width = doc.page.width - 112;
  doc.rect(0, 0, doc.page.width, 14).fill(settings.identity.primaryColour);
  doc.fillColor('#1b1b1b').font('Helvetica-Bold').fontSize(16).text(winAnsi(settings.officialName), 56, 40);
  doc.font('Helvetica').fontSize(10).text(winAnsi(`${settings.contacts.service} – ${settings.portalName}`));
  doc.text(winAnsi(settings.contacts.address));
  const contactLine = [...settings.contacts.phones.map((phone) => phone.number), settings.contacts.email].filter(Boolean).join(' · ');
  if (contactLine) doc.text(winAnsi(contactLine));

  doc.moveDown(3);
  doc.font('Helvetica-Bold').fontSize(20).text("Attestation d'inscription", { align: 'center', width });
  doc.moveDown(2);

  const born = data.child.birthDate ? `, né(e) le ${formatDate(data.child.birthDate)}` : '';
  doc.font('Helvetica').fontSize(12).text(
    winAnsi(
      `${capitalise(theService(settings.contacts.service))} de la ${settings.officialName.charAt(0).toLowerCase()}${settings.officialName.slice(1)} atteste que l'enfant ${data.child.firstName} ${data.child.lastName.toUpperCase()}${born}, de la famille ${data.familyName} (dossier n° ${data.familyReference}), est inscrit(e) à l'activité :`,
    ),
    { width, align: 'left', lineGap: 4 },
  );
  doc.moveDown();
  doc.font('Helvetica-Bold').fontSize(14).text(winAnsi(data.activityName), { width });
  doc.moveDown();
  doc.font('Helvetica').fontSize(12).text(
    winAnsi(`pour la période du ${formatDate(data.startsOn)} au ${formatDate(data.endsOn)} (année scolaire ${data.schoolYear}).`),
    { width, lineGap: 4 },
  );
  doc.moveDown();
  doc.text(winAnsi(`Inscription validée le ${formatDate(data.validatedAt)}.`), { width });

  doc.moveDown(3);
  doc.font('Helvetica-Bold').text(winAnsi(`Référence : ${data.reference}`));
  doc.font('Helvetica').text(winAnsi(`Délivrée le ${formatDate(data.issuedAt)}, à ${settings.contacts.address.split(',').pop()!.trim()}.`));

  doc.fontSize(9).fillColor('#4a4a4a').text(
    winAnsi(
      `Document délivré par le portail ${settings.portalName}. Pour en vérifier l'authenticité, contactez ${theService(settings.contacts.service)} en indiquant la référence.`,
    ),
    56,
    doc.page.height - 90,
    { width },
  );
  doc.end();
  return done;
}
