export interface News {
  id: number;
  communeId: number;
  title: string;
  body: string;
  /** Calendar days, 'YYYY-MM-DD': shown from `publishedOn` through `endsOn` included. */
  publishedOn: string;
  endsOn: string | null;
  createdBy: number;
  createdAt: Date;
}

export interface NewsInput {
  title: string;
  body: string;
  publishedOn: string;
  endsOn: string | null;
}
