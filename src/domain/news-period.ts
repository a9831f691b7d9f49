/** Where a news item stands on a Paris calendar day: shown from its publication day to its end day, both included. */
export type NewsState = 'scheduled' | 'current' | 'ended';

export function newsState(news: { publishedOn: string; endsOn: string | null }, today: string): NewsState {
  // 'YYYY-MM-DD' strings compare as the days they name.
  if (news.publishedOn > today) return 'scheduled';
  if (news.endsOn !== null && news.endsOn < today) return 'ended';
  return 'current';
}
