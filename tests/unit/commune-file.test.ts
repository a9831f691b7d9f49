import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CommuneFileError, parseCommuneFile } from '../../src/config/commune-file.ts';
import { COMMUNE_FILES_DIR } from '../../src/bootstrap.ts';
import { loadCommuneFiles } from '../../src/services/commune/seed-service.ts';

const echirolles = () => JSON.parse(fs.readFileSync(path.join(COMMUNE_FILES_DIR, 'echirolles.json'), 'utf8'));

function folderWith(files: Record<string, unknown>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'communes-'));
  for (const [name, content] of Object.entries(files)) {
    fs.writeFileSync(path.join(dir, name), typeof content === 'string' ? content : JSON.stringify(content));
  }
  return dir;
}

describe('the shipped commune files', () => {
  it('all validate', () => {
    const files = loadCommuneFiles(COMMUNE_FILES_DIR);
    expect(files.map((file) => file.slug)).toEqual(['echirolles', 'lemesnilsaintdenis', 'villennes']);
  });

  it('carry what each commune publishes', () => {
    const [echirolles, mesnil, villennes] = loadCommuneFiles(COMMUNE_FILES_DIR);
    expect(echirolles!.holidayZone).toBe('A');
    expect(echirolles!.contacts.phones.map((phone) => phone.number)).toEqual(['04 76 20 63 40', '04 76 20 63 41']);
    expect(echirolles!.contacts.openingHours[0]!.hours).toBe('13h30 – 17h00');
    expect(echirolles!.activities.find((a) => a.code === 'restauration')!.booking).toEqual({
      type: 'weekly',
      weekday: 'jeudi',
      time: '11:00',
      weeksBefore: 1,
    });
    expect(echirolles!.signIn).toMatchObject({ identifier: 'email_local_part', accountCreation: 'staff_activation_link' });
    expect(echirolles!.features).toMatchObject({ simulator: true, onlinePayment: true, selfRegistration: false });

    expect(mesnil!.holidayZone).toBe('C');
    expect(mesnil!.contacts.email).toBe('enfance-education@lemesnilsaintdenis.fr');
    expect(mesnil!.features).toMatchObject({
      addChild: true,
      quotientDeclaration: true,
      directDebit: true,
      absenceJustification: true,
      recurringBookings: true,
    });
    expect(mesnil!.directDebit).toMatchObject({ creditorId: 'FR81ZZZ5A7B3C', bic: 'BDFEFRPPCCT', mandatePrefix: 'MSD' });
    expect(echirolles!.directDebit).toBeUndefined();

    expect(villennes!.portalName).toBe('Mon espace citoyen villennois');
    expect(villennes!.holidayZone).toBe('C');
    expect(villennes!.contacts.phones.map((phone) => phone.number)).toEqual(['01 39 08 25 67', '01 39 08 25 40']);
    expect(villennes!.signIn.activationDelayWorkingHours).toBe(48);
    expect(villennes!.features).toMatchObject({ selfRegistration: true, documentStorage: true, news: true, messages: true });
  });

  it('price every activity: Échirolles by QF brackets, Le Mesnil by taux d’effort, Villennes with non-resident prices', () => {
    const [echirolles, mesnil, villennes] = loadCommuneFiles(COMMUNE_FILES_DIR);
    const canteen = (file: typeof echirolles) => file!.activities.find((activity) => activity.code === 'restauration')!.tariff;
    expect(canteen(echirolles).brackets!.map((bracket) => bracket.upTo)).toEqual([450, 700, 1000, 1400, null]);
    expect(echirolles!.activities.every((activity) => activity.tariff.brackets?.length === 5)).toBe(true);
    expect(canteen(mesnil).effort).toEqual({ rate: 0.0065, floor: 130, ceiling: 480 });
    expect(mesnil!.activities.every((activity) => activity.tariff.effort)).toBe(true);
    expect(villennes!.activities.every((activity) => activity.tariff.brackets && activity.tariff.nonResidentPrice! > 0)).toBe(true);
    expect(echirolles!.features.simulator).toBe(true);
    expect(villennes!.features.simulator).toBe(false);
  });
});

const MESNIL_DEBIT = { creditorId: 'FR81ZZZ5A7B3C', creditorName: 'Commune', iban: 'FR7630001000640000001234559', bic: 'BDFEFRPPCCT', mandatePrefix: 'MSD' };

describe('parseCommuneFile', () => {
  it.each([
    ['a missing name', (f: Record<string, unknown>) => delete f.name, 'echirolles.json: name: '],
    ['an unknown key (a typo)', (f: Record<string, any>) => (f.features.selfRegistation = true), 'echirolles.json: features: '],
    ['a badly written phone', (f: Record<string, any>) => (f.contacts.phones[0].number = '0476206340'), 'echirolles.json: contacts.phones.0.number: numéro attendu'],
    ['a colour too pale for white text', (f: Record<string, any>) => (f.identity.primaryColour = '#f0c040'), 'echirolles.json: identity.primaryColour: contraste insuffisant'],
    ['an unknown holiday zone', (f: Record<string, any>) => (f.holidayZone = 'D'), 'echirolles.json: holidayZone: '],
    ['a booking time out of range', (f: Record<string, any>) => (f.activities[0].booking.time = '25:00'), 'echirolles.json: activities.0.booking.time: heure attendue'],
    ['a required document that is not a document type', (f: Record<string, any>) => (f.activities[0].requiredDocuments = ['carnet']), 'echirolles.json: activities.0.requiredDocuments.0: type de document inconnu : carnet'],
    ['two activities with one code', (f: Record<string, any>) => (f.activities[1].code = 'restauration'), 'echirolles.json: activities.1.code: code en double'],
    ['an activity without a tariff', (f: Record<string, any>) => delete f.activities[0].tariff, 'echirolles.json: activities.0.tariff: '],
    ['unsorted brackets', (f: Record<string, any>) => (f.activities[0].tariff.brackets[1].upTo = 400), 'echirolles.json: activities.0.tariff.brackets.1.upTo: les tranches doivent être rangées par plafond croissant'],
    ['brackets without a top bracket', (f: Record<string, any>) => f.activities[0].tariff.brackets.pop(), 'echirolles.json: activities.0.tariff.brackets.3.upTo: la dernière tranche doit être sans plafond'],
    ['an open bracket before the last one', (f: Record<string, any>) => (f.activities[0].tariff.brackets[2].upTo = null), 'echirolles.json: activities.0.tariff.brackets.2.upTo: seule la dernière tranche peut être sans plafond'],
    ['a price in euros instead of cents', (f: Record<string, any>) => (f.activities[0].tariff.brackets[0].price = 1.2), 'echirolles.json: activities.0.tariff.brackets.0.price: montant en centimes entiers'],
    ['brackets and a taux d\'effort at once', (f: Record<string, any>) => (f.activities[0].tariff.effort = { rate: 0.0065, floor: 130, ceiling: 480 }), 'echirolles.json: activities.0.tariff: un tarif a soit « brackets »'],
    ['neither brackets nor a taux d\'effort', (f: Record<string, any>) => delete f.activities[0].tariff.brackets, 'echirolles.json: activities.0.tariff: un tarif a soit « brackets »'],
    ['a floor above the ceiling', (f: Record<string, any>) => (f.activities[0].tariff = { effort: { rate: 0.0065, floor: 500, ceiling: 480 } }), 'echirolles.json: activities.0.tariff.effort.ceiling: le plafond doit être au moins égal au plancher'],
    ['a rate with too many decimals', (f: Record<string, any>) => (f.activities[0].tariff = { effort: { rate: 0.00651234, floor: 130, ceiling: 480 } }), 'echirolles.json: activities.0.tariff.effort.rate: taux à six décimales au plus'],
    ['a penalty that is not cents', (f: Record<string, any>) => (f.activities[0].tariff.noShow = { penalty: '2,50' }), 'echirolles.json: activities.0.tariff.noShow'],
    ['sibling reductions out of order', (f: Record<string, any>) => (f.activities[4].tariff.siblingReduction = [{ fromChild: 3, percent: 20 }, { fromChild: 2, percent: 10 }]), 'echirolles.json: activities.4.tariff.siblingReduction.1.fromChild: rangées par rang'],
    ['a PayFiP client number that is not 6 digits', (f: Record<string, any>) => (f.payment.numcli = '12345'), 'echirolles.json: payment.numcli: numéro client PayFiP : 6 chiffres'],
    ['an unknown PayFiP mode', (f: Record<string, any>) => (f.payment.saisie = 'M'), 'echirolles.json: payment.saisie: T (test), X (activation) ou W (production)'],
    ['a provider other than PayFiP', (f: Record<string, any>) => (f.payment.provider = 'stripe'), 'echirolles.json: payment.provider: '],
    ['online payment without a payment block', (f: Record<string, any>) => delete f.payment, 'echirolles.json: payment: requis quand features.onlinePayment est activé'],
    ['direct debit on without its creditor', (f: Record<string, any>) => (f.features.directDebit = true), 'echirolles.json: directDebit: obligatoire quand features.directDebit est activé'],
    ['a creditor identifier with wrong check digits', (f: Record<string, any>) => (f.directDebit = { ...MESNIL_DEBIT, creditorId: 'FR82ZZZ5A7B3C' }), 'echirolles.json: directDebit.creditorId: identifiant créancier SEPA (ICS) invalide'],
    ["a creditor IBAN with a wrong RIB key", (f: Record<string, any>) => (f.directDebit = { ...MESNIL_DEBIT, iban: 'FR7630001000640000001234558' }), 'echirolles.json: directDebit.iban: IBAN invalide'],
    ['a creditor BIC of 9 characters', (f: Record<string, any>) => (f.directDebit = { ...MESNIL_DEBIT, bic: 'BDFEFRPPC' }), 'echirolles.json: directDebit.bic: BIC invalide'],
    ['a mandate prefix with a dash', (f: Record<string, any>) => (f.directDebit = { ...MESNIL_DEBIT, mandatePrefix: 'M-S' }), 'echirolles.json: directDebit.mandatePrefix: 2 à 8 lettres'],
  ])('names the file and the field for %s', (_label, breakIt, expected) => {
    const file = echirolles();
    breakIt(file);
    expect(() => parseCommuneFile('echirolles.json', file)).toThrow(CommuneFileError);
    expect(() => parseCommuneFile('echirolles.json', file)).toThrow(expected);
  });
});

describe('the payment block', () => {
  it('gives each shipped commune its PayFiP client number, in test mode', () => {
    const files = loadCommuneFiles(COMMUNE_FILES_DIR);
    expect(files.map((file) => file.payment)).toEqual([
      { provider: 'payfip', numcli: '100381', saisie: 'T' },
      { provider: 'payfip', numcli: '100782', saisie: 'T' },
      { provider: 'payfip', numcli: '100783', saisie: 'T' },
    ]);
  });

  it('may be left out by a commune that does not take payments online', () => {
    const file = echirolles();
    file.features.onlinePayment = false;
    delete file.payment;
    expect(parseCommuneFile('echirolles.json', file).payment).toBeUndefined();
  });
});

describe('loadCommuneFiles', () => {
  it('stops at a file that is not JSON, naming it', () => {
    const dir = folderWith({ 'echirolles.json': '{ "slug": ' });
    expect(() => loadCommuneFiles(dir)).toThrow(/^echirolles\.json: \(JSON\): /);
  });

  it('refuses a file whose slug is not its name', () => {
    const dir = folderWith({ 'grenoble.json': echirolles() });
    expect(() => loadCommuneFiles(dir)).toThrow('grenoble.json: slug: doit être le nom du fichier');
  });
});

describe('contactSubjects and messages (« Écrire au service », issue 13)', () => {
  it('default to a general list and private mails when the file leaves them out', () => {
    const { contactSubjects: _subjects, messages: _messages, ...file } = echirolles();
    const parsed = parseCommuneFile('echirolles.json', file);
    expect(parsed.contactSubjects).toEqual(['Inscriptions', 'Réservations et annulations', 'Facturation et paiement', 'Documents', 'Autre']);
    expect(parsed.messages).toEqual({ privateMails: true });
  });

  it('keep the lists of the shipped files', () => {
    const [echirolles, mesnil, villennes] = loadCommuneFiles(COMMUNE_FILES_DIR);
    expect(echirolles!.contactSubjects).toContain('Quotient familial');
    expect(mesnil!.contactSubjects).toContain('Facturation, paiement et prélèvement');
    expect(villennes!.contactSubjects).toContain('Cantine et périscolaire');
  });

  it('refuse a subject listed twice or an empty list, naming the field', () => {
    expect(() => parseCommuneFile('echirolles.json', { ...echirolles(), contactSubjects: ['Autre', 'Autre'] })).toThrow(/contactSubjects/);
    expect(() => parseCommuneFile('echirolles.json', { ...echirolles(), contactSubjects: [] })).toThrow(/contactSubjects/);
    expect(() => parseCommuneFile('echirolles.json', { ...echirolles(), messages: { privateMails: 'oui' } })).toThrow(/messages/);
  });
});

describe('limits (issue 18 item 7)', () => {
  it('default to what no real family reaches, and may be set key by key', () => {
    expect(parseCommuneFile('echirolles.json', echirolles()).limits).toEqual({
      threadsPerHour: 5,
      messagesPerHour: 20,
      sendingMaxPages: 20,
      sendingMaxMb: 25,
      familyStorageMb: 200,
    });
    expect(parseCommuneFile('echirolles.json', { ...echirolles(), limits: { familyStorageMb: 500 } }).limits).toMatchObject({ familyStorageMb: 500, threadsPerHour: 5 });
  });

  it('refuses a limit out of bounds or an unknown key, naming the file and the field', () => {
    expect(() => parseCommuneFile('echirolles.json', { ...echirolles(), limits: { threadsPerHour: 0 } })).toThrow(/echirolles\.json: limits\.threadsPerHour/);
    expect(() => parseCommuneFile('echirolles.json', { ...echirolles(), limits: { filesPerDay: 3 } })).toThrow(/echirolles\.json: limits/);
  });
});
