import type { HistoryPeriod, PeriodBounds } from '../../domain/history-period.ts';
import { formatDate } from '../../i18n/format.ts';

/** The history page's views and periods, by the value the URL carries (French, bookmarkable). */
export const HISTORY_VIEWS = {
  demarches: { label: 'Démarches', title: 'Mes démarches' },
  connexions: { label: 'Connexions', title: 'Mes connexions' },
  paiements: { label: 'Paiements', title: 'Mes paiements' },
} as const;

export const HISTORY_PERIODS = {
  semaine: { period: 'week', label: 'Cette semaine' },
  mois: { period: 'month', label: 'Ce mois-ci' },
} as const satisfies Record<string, { period: HistoryPeriod; label: string }>;

export type HistoryView = keyof typeof HISTORY_VIEWS;
export type HistoryPeriodParam = keyof typeof HISTORY_PERIODS;

/** The tabs, the period filter and the caption's dates of one history view. */
export function presentHistoryPage(vue: HistoryView, periode: HistoryPeriodParam, bounds: PeriodBounds) {
  return {
    vue,
    viewTitle: HISTORY_VIEWS[vue].title,
    views: Object.entries(HISTORY_VIEWS).map(([value, view]) => ({ value, label: view.label })),
    periode,
    periodOptions: Object.entries(HISTORY_PERIODS).map(([value, option]) => ({ value, label: option.label })),
    periodLabel: HISTORY_PERIODS[periode].label,
    periodFrom: formatDate(bounds.from),
    // The last day shown is the day before the (exclusive) end.
    periodTo: formatDate(new Date(bounds.to.getTime() - 1)),
  };
}
