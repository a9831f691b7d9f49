import { maskIban } from '../../domain/sepa.ts';
import { formatDate, formatDateTime } from '../../i18n/format.ts';
import { MANDATE_STATUS_LABELS } from '../../i18n/mandate-words.ts';
import type { Mandate, MandateStatus } from '../../model/mandate.ts';
import type { MandatePage } from '../../services/mandate-service.ts';

/** A mandate as the parent reads it: the IBAN always masked. */
export interface MandateView {
  statusLabel: string;
  statusKind: 'pending' | 'ok' | 'late';
  holderName: string;
  iban: string;
  bic: string;
  address: string;
  sentOn: string;
  reference?: string;
  signedOn?: string;
}

const STATUS_KINDS: Record<MandateStatus, MandateView['statusKind']> = { pending: 'pending', active: 'ok', refused: 'late' };

export function presentMandate(mandate: Mandate): MandateView {
  return {
    statusLabel: MANDATE_STATUS_LABELS[mandate.status],
    statusKind: STATUS_KINDS[mandate.status],
    holderName: mandate.holderName,
    iban: maskIban(mandate.iban),
    bic: mandate.bic,
    address: `${mandate.address}, ${mandate.postcode} ${mandate.city}`,
    sentOn: formatDateTime(mandate.createdAt),
    ...(mandate.reference ? { reference: mandate.reference } : {}),
    ...(mandate.signedOn ? { signedOn: formatDate(mandate.signedOn) } : {}),
  };
}

export interface MandatePageView {
  mandates: MandateView[];
  /** Why no new mandate can be signed now, when one is active or waiting. */
  currentLine?: string;
}

/** The parent's « Prélèvement automatique » page. */
export function presentMandatePage(page: MandatePage): MandatePageView {
  const current = page.current;
  return {
    mandates: page.mandates.map(presentMandate),
    currentLine: !current
      ? undefined
      : current.status === 'active'
        ? `Vos factures sont prélevées sur le compte ${maskIban(current.iban)} (mandat ${current.reference}). Pour changer de compte ou arrêter le prélèvement, contactez le service.`
        : `Votre mandat du ${formatDateTime(current.createdAt)} attend la validation du service : vous recevrez sa réponse par e-mail.`,
  };
}
