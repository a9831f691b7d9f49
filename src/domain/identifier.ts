/** `nom-prenom` in lower-case ASCII: « Éloïse Le Gall » → `le-gall-eloise` (DESIGN §5 identifiers). */
export function baseIdentifier(lastName: string, firstName: string): string {
  const slug = (value: string) =>
    value
      .normalize('NFD')
      .replace(/\p{Diacritic}/gu, '')
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '');
  return [slug(lastName), slug(firstName)].filter(Boolean).join('-') || 'famille';
}

/** The first of `base`, `base-2`, `base-3`… that `taken` does not hold. */
export function uniqueIdentifier(base: string, taken: ReadonlySet<string>): string {
  if (!taken.has(base)) return base;
  for (let n = 2; ; n += 1) {
    const candidate = `${base}-${n}`;
    if (!taken.has(candidate)) return candidate;
  }
}
