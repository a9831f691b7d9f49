import { newsState, type NewsState } from '../../domain/news-period.ts';
import type { News } from '../../model/news.ts';
import { formatDate } from '../../i18n/format.ts';

export interface NewsView {
  id: number;
  title: string;
  /** The text as typed, one paragraph per line. */
  paragraphs: string[];
  publishedOn: string;
}

export interface StaffNewsView extends NewsView {
  stateLabel: string;
  stateKind: string;
  period: string;
}

const STATES: Record<NewsState, { label: string; kind: string }> = {
  scheduled: { label: 'Programmée', kind: 'pending' },
  current: { label: 'En ligne', kind: 'ok' },
  ended: { label: 'Terminée', kind: 'ended' },
};

const paragraphsOf = (text: string) =>
  text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter(Boolean);

export function presentNews(news: News[]): NewsView[] {
  return news.map((item) => ({
    id: item.id,
    title: item.title,
    paragraphs: paragraphsOf(item.body),
    publishedOn: formatDate(item.publishedOn),
  }));
}

/** The back-office list: each item with where it stands today and its period in words. */
export function presentNewsForStaff(news: News[], today: string): StaffNewsView[] {
  return presentNews(news).map((view, index) => {
    const item = news[index]!;
    const state = STATES[newsState(item, today)];
    return {
      ...view,
      stateLabel: state.label,
      stateKind: state.kind,
      period: item.endsOn ? `du ${view.publishedOn} au ${formatDate(item.endsOn)} inclus` : `à partir du ${view.publishedOn}, sans date de fin`,
    };
  });
}

/** A news item's values as its form shows them. */
export const newsFormValues = (item: News) => ({
  titre: item.title,
  texte: item.body,
  publication: item.publishedOn,
  fin: item.endsOn ?? '',
});
