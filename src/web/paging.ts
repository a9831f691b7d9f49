import { z } from 'zod';

/** `?page=3`: a page number written as the portal writes it; anything else is the first page. */
export const pageQuery = z.object({
  page: z
    .string()
    .regex(/^[1-9]\d{0,4}$/)
    .transform(Number)
    .catch(1)
    .default(1),
});

/** The links of a paged list: « page précédente », « page suivante » and « page 2 sur 7 ». */
export function pageLinks(page: number, pageCount: number) {
  return {
    page,
    pageCount,
    previousPage: page > 1 ? page - 1 : undefined,
    nextPage: page < pageCount ? page + 1 : undefined,
  };
}
