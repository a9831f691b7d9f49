import { describe, expect, it } from 'vitest';
import {
  centsOfMontant,
  isObjet,
  isRefdet,
  montantFor,
  objetFor,
  refdetFor,
  resultOfResultrans,
} from '../../src/integrations/payfip/payfip-format.ts';
import { creerPaiementArguments } from '../../src/integrations/payfip/payfip-provider.ts';

describe('refdetFor', () => {
  it.each([
    ['PAI-2026-000045', 'PAI2026000045'],
    ['fa 2026/12', 'FA202612'],
    ['Crèche-Été 7', 'CRECHEETE7'],
    ['12', '000012'],
    ['A'.repeat(30), 'A'.repeat(30)],
  ])('makes « %s » the refdet « %s »', (reference, expected) => {
    const refdet = refdetFor(reference);
    expect(refdet).toBe(expected);
    expect(isRefdet(refdet)).toBe(true);
  });

  it('refuses a reference longer than 30 once cleaned, rather than cutting it into a possible duplicate', () => {
    expect(() => refdetFor('PAI-2026-' + '1'.repeat(25))).toThrow(RangeError);
  });

  it('refuses a reference without any letter or digit', () => {
    expect(() => refdetFor('—/ /—')).toThrow(RangeError);
  });
});

describe('isRefdet', () => {
  it.each(['ABC12', 'abc123', 'ABC-123', 'A'.repeat(31), ''])('refuses « %s »', (value) => {
    expect(isRefdet(value)).toBe(false);
  });
});

describe('objetFor', () => {
  it.each([
    ['Factures de décembre : cantine, périscolaire', 'Factures de decembre cantine periscolaire'],
    ["Accueil de l'été — Œuvre", 'Accueil de l ete OEuvre'],
    ['  Crèche   « Les Lutins »  ', 'Creche Les Lutins'],
    ['Facture n° FA-2026-000012', 'Facture n FA 2026 000012'],
  ])('makes « %s » plain ASCII: « %s »', (text, expected) => {
    expect(objetFor(text)).toBe(expected);
    expect(isObjet(objetFor(text))).toBe(true);
  });

  it('keeps at most 100 characters, without a trailing space', () => {
    const objet = objetFor('Facture ' + 'é'.repeat(91) + ' suite');
    expect(objet.length).toBeLessThanOrEqual(100);
    expect(objet).toBe('Facture ' + 'e'.repeat(91));
    expect(objetFor('a'.repeat(99) + ' b')).toBe('a'.repeat(99));
  });
});

describe('montantFor', () => {
  it.each([
    [100, '100'],
    [4250, '4250'],
    [123456, '123456'],
  ])('writes %i cents as « %s »', (cents, expected) => {
    expect(montantFor(cents)).toBe(expected);
  });

  it.each([99, 0, -100, 12.5, Number.NaN, 10_000_000])('refuses %s cents', (cents) => {
    expect(() => montantFor(cents)).toThrow(RangeError);
  });

  it('reads PayFiP\'s montant back as cents and refuses anything else', () => {
    expect(centsOfMontant('4250')).toBe(4250);
    expect(() => centsOfMontant('42,50')).toThrow(RangeError);
    expect(() => centsOfMontant('')).toThrow(RangeError);
  });
});

describe('resultOfResultrans', () => {
  it.each([
    ['P', 'paid'],
    ['V', 'paid'],
    ['R', 'refused'],
    ['Z', 'refused'],
    ['A', 'cancelled'],
  ] as const)('reads « %s » as %s', (resultrans, result) => {
    expect(resultOfResultrans(resultrans)).toBe(result);
  });

  it.each(['', 'p', 'X', 'P5'])('refuses the unknown code « %s » instead of guessing', (resultrans) => {
    expect(() => resultOfResultrans(resultrans)).toThrow(RangeError);
  });
});

describe('creerPaiementArguments', () => {
  const valid = {
    numcli: '123456',
    exer: 2026,
    refdet: 'PAI2026000045',
    montantCents: 4250,
    mel: 'parent@echirolles.example.org',
    objet: 'Factures de decembre',
    urlnotif: 'https://famille.example.fr/echirolles/paiement/notification',
    urlredirect: 'https://famille.example.fr/echirolles/paiement/retour',
    saisie: 'T',
  } as const;

  it('writes the fields PayFiP reads, the amount in cents as text', () => {
    expect(creerPaiementArguments(valid)).toEqual({
      exer: '2026',
      mel: 'parent@echirolles.example.org',
      montant: '4250',
      numcli: '123456',
      objet: 'Factures de decembre',
      refdet: 'PAI2026000045',
      saisie: 'T',
      urlnotif: 'https://famille.example.fr/echirolles/paiement/notification',
      urlredirect: 'https://famille.example.fr/echirolles/paiement/retour',
    });
  });

  it.each([
    ['numcli', { numcli: '12345' }],
    ['refdet', { refdet: 'PAI-1' }],
    ['objet', { objet: 'Décembre' }],
    ['mel', { mel: 'parent' }],
    ['saisie', { saisie: 'M' as never }],
    ['urlnotif', { urlnotif: 'javascript:alert(1)' }],
    ['montant', { montantCents: 50 }],
  ])('refuses a bad %s', (name, change) => {
    expect(() => creerPaiementArguments({ ...valid, ...change })).toThrow(new RegExp(name));
  });
});
