import { readFileSync } from 'node:fs';
import { load } from 'cheerio';
import { describe, expect, it } from 'vitest';
import { validateXML } from 'xmllint-wasm';
import {
  buildPain008,
  centsToDecimal,
  DebitFileError,
  sepaText,
  unwritableDebtor,
  sequenceOf,
  type DebitFileInput,
  type DirectDebitLine,
} from '../../src/integrations/sepa/pain008.ts';

const XSD = readFileSync(new URL('../fixtures/sepa/pain.008.001.02.xsd', import.meta.url), 'utf8');

async function schemaErrors(xml: string): Promise<string[]> {
  const result = await validateXML({
    xml: [{ fileName: 'debits.xml', contents: xml }],
    schema: [{ fileName: 'pain.008.001.02.xsd', contents: XSD }],
  });
  return result.errors.map((error) => error.rawMessage);
}

/** Le Mesnil-Saint-Denis's test values (seeds/communes/lemesnilsaintdenis.json). */
const CREDITOR = {
  name: 'Commune du Mesnil-Saint-Denis',
  creditorId: 'FR81ZZZ5A7B3C',
  iban: 'FR7630001000640000001234559',
  bic: 'BDFEFRPPCCT',
};

const ADDRESS = { street: '12 rue des Tilleuls', postcode: '78320', city: 'Le Mesnil-Saint-Denis', country: 'FR' };

function debit(overrides: Partial<DirectDebitLine> & { firstDebitDone?: boolean } = {}): DirectDebitLine {
  const { firstDebitDone = false, ...rest } = overrides;
  return {
    endToEndId: 'F-2026-00001',
    amountCents: 4_250,
    remittance: 'Facture F-2026-00001 novembre 2026',
    mandate: { reference: 'MSD-F00042-1', signedOn: '2026-10-15', firstDebitDone },
    debtor: { name: 'Claire Martin', iban: 'FR76 3000 6000 0112 3456 7890 189', bic: 'AGRIFRPP882', address: ADDRESS },
    ...rest,
  };
}

function file(debits: DirectDebitLine[], overrides: Partial<DebitFileInput> = {}): DebitFileInput {
  return {
    messageId: 'MSD-PRLV-2026-12-1',
    createdAt: new Date('2026-12-01T10:30:00Z'),
    collectionDate: '2026-12-10',
    creditor: CREDITOR,
    debits,
    ...overrides,
  };
}

function read(xml: string) {
  return load(xml, { xml: true });
}

describe('centsToDecimal', () => {
  it.each([
    [0, '0.00'],
    [1, '0.01'],
    [10, '0.10'],
    [99, '0.99'],
    [100, '1.00'],
    [4_250, '42.50'],
    [123_456_789, '1234567.89'],
    [99_999_999_999, '999999999.99'],
  ])('writes %i cents as %s', (cents, expected) => {
    expect(centsToDecimal(cents)).toBe(expected);
  });

  it.each([[-1], [1.5], [Number.NaN], [2 ** 53]])('refuses %s', (cents) => {
    expect(() => centsToDecimal(cents)).toThrow(RangeError);
  });
});

describe('sequenceOf', () => {
  it('debits a new mandate as its first debit (FRST), then as recurring (RCUR)', () => {
    expect(sequenceOf({ firstDebitDone: false })).toBe('FRST');
    expect(sequenceOf({ firstDebitDone: true })).toBe('RCUR');
  });
});

describe('sepaText', () => {
  it.each([
    ['Hélène Lefèvre-Müller', 70, 'Helene Lefevre-Muller'],
    ['Œuvre & Cie_2 « x »', 70, 'OEuvre Cie 2 x'],
    ['Straße Łódź Ørsted', 70, 'Strasse Lodz Orsted'],
    ['😀😀', 70, ''],
    ['Facture F-2026-00012 : décembre', 140, 'Facture F-2026-00012 : decembre'],
    ['A'.repeat(80), 70, 'A'.repeat(70)],
  ])('puts %s in the SEPA character set', (text, max, expected) => {
    expect(sepaText(text, max)).toBe(expected);
  });
});

describe('buildPain008', () => {
  it('writes a file the official pain.008.001.02 schema accepts', async () => {
    const xml = buildPain008(
      file([
        debit(),
        debit({
          endToEndId: 'F-2026-00002',
          amountCents: 1_234_567_89,
          firstDebitDone: true,
          mandate: { reference: 'MSD-F00007-1', signedOn: '2025-09-01', firstDebitDone: true },
          debtor: { name: 'Sophie Bernard-Héloïse', iban: 'DE89370400440532013000', bic: null, address: ADDRESS },
        }),
      ]),
    );
    expect(await schemaErrors(xml)).toEqual([]);
  });

  it('the schema check itself refuses a broken file (the test can fail)', async () => {
    const xml = buildPain008(file([debit()])).replace('<SeqTp>FRST</SeqTp>', '<SeqTp>XXXX</SeqTp>');
    expect((await schemaErrors(xml)).length).toBeGreaterThan(0);
  });

  it('converts cents exactly: 0,10 € + 0,20 € is a control sum of 0.30', async () => {
    const xml = buildPain008(
      file([debit({ endToEndId: 'A1', amountCents: 10 }), debit({ endToEndId: 'A2', amountCents: 20 })]),
    );
    const $ = read(xml);
    expect($('GrpHdr > CtrlSum').text()).toBe('0.30');
    expect($('PmtInf > CtrlSum').text()).toBe('0.30');
    expect($('InstdAmt').map((_, element) => $(element).text()).get()).toEqual(['0.10', '0.20']);
    expect(await schemaErrors(xml)).toEqual([]);
  });

  it('keeps every cent of large and many amounts', () => {
    const amounts = [1_234_567_89, ...Array.from({ length: 1_000 }, (_, index) => 10 + (index % 7) * 10 + 1)];
    const debits = amounts.map((amountCents, index) => debit({ endToEndId: `F-${index + 1}`, amountCents }));
    const $ = read(buildPain008(file(debits)));
    const total = amounts.reduce((sum, cents) => sum + cents, 0);
    expect($('GrpHdr > CtrlSum').text()).toBe(centsToDecimal(total));
    expect($('InstdAmt').first().text()).toBe('1234567.89');
    expect($('GrpHdr > NbOfTxs').text()).toBe('1001');
  });

  it('puts first debits in a FRST block and later ones in a RCUR block, each with its own control sum', () => {
    const $ = read(
      buildPain008(
        file([
          debit({ endToEndId: 'N1', amountCents: 1_000 }),
          debit({ endToEndId: 'R1', amountCents: 2_005, firstDebitDone: true, mandate: { reference: 'MSD-F2-1', signedOn: '2025-01-02', firstDebitDone: true } }),
          debit({ endToEndId: 'N2', amountCents: 3_000 }),
        ]),
      ),
    );
    const blocks = $('PmtInf')
      .map((_, block) => ({
        sequence: $(block).find('SeqTp').text(),
        count: $(block).children('NbOfTxs').text(),
        sum: $(block).children('CtrlSum').text(),
        ids: $(block).find('EndToEndId').map((__, id) => $(id).text()).get(),
      }))
      .get();
    expect(blocks).toEqual([
      { sequence: 'FRST', count: '2', sum: '40.00', ids: ['N1', 'N2'] },
      { sequence: 'RCUR', count: '1', sum: '20.05', ids: ['R1'] },
    ]);
    expect($('GrpHdr > CtrlSum').text()).toBe('60.05');
  });

  it('leaves out a block with no debit', () => {
    const $ = read(buildPain008(file([debit({ firstDebitDone: true, mandate: { reference: 'MSD-F2-1', signedOn: '2025-01-02', firstDebitDone: true } })])));
    expect($('SeqTp').map((_, element) => $(element).text()).get()).toEqual(['RCUR']);
  });

  it("writes the commune's creditor identifier, account, the mandate and the days as given", () => {
    const $ = read(buildPain008(file([debit()])));
    expect($('CdtrSchmeId Othr > Id').text()).toBe('FR81ZZZ5A7B3C');
    expect($('CdtrAcct IBAN').text()).toBe('FR7630001000640000001234559');
    expect($('CdtrAgt BIC').text()).toBe('BDFEFRPPCCT');
    expect($('MndtId').text()).toBe('MSD-F00042-1');
    expect($('DtOfSgntr').text()).toBe('2026-10-15');
    expect($('ReqdColltnDt').text()).toBe('2026-12-10');
    expect($('LclInstrm Cd').text()).toBe('CORE');
    expect($('DbtrAcct IBAN').text()).toBe('FR7630006000011234567890189');
    expect($('Dbtr > Nm').text()).toBe('Claire Martin');
    // 10:30 UTC is 11:30 in Paris in December.
    expect($('CreDtTm').text()).toBe('2026-12-01T11:30:00');
  });

  it.each(['Pacific/Kiritimati', 'America/Los_Angeles'])('writes the same days and Paris time when the server runs in %s', (zone) => {
    const before = process.env.TZ;
    process.env.TZ = zone;
    try {
      const $ = read(buildPain008(file([debit()])));
      expect($('ReqdColltnDt').text()).toBe('2026-12-10');
      expect($('DtOfSgntr').text()).toBe('2026-10-15');
      expect($('CreDtTm').text()).toBe('2026-12-01T11:30:00');
    } finally {
      if (before === undefined) delete process.env.TZ;
      else process.env.TZ = before;
    }
  });

  it('names no bank for a debtor without BIC, as the schema allows', () => {
    const $ = read(buildPain008(file([debit({ debtor: { name: 'Claire Martin', iban: 'FR7630006000011234567890189', bic: null, address: ADDRESS } })])));
    expect($('DbtrAgt Othr Id').text()).toBe('NOTPROVIDED');
  });

  it.each([
    ['no debit', file([])],
    ['a zero amount', file([debit({ amountCents: 0 })])],
    ['a fractional amount', file([debit({ amountCents: 10.5 })])],
    ['a wrong debtor IBAN', file([debit({ debtor: { name: 'X', iban: 'FR7630006000011234567890188', bic: null, address: ADDRESS } })])],
    ['a wrong creditor identifier', file([debit()], { creditor: { ...CREDITOR, creditorId: 'FR82ZZZ5A7B3C' } })],
    ['a mandate reference outside the SEPA set', file([debit({ mandate: { reference: 'MSD_É', signedOn: '2026-01-01', firstDebitDone: false } })])],
    ['the same end-to-end id twice', file([debit(), debit()])],
    ['a debtor name left empty in the SEPA set', file([debit({ debtor: { name: '😀😀', iban: 'FR7630006000011234567890189', bic: null, address: ADDRESS } })])],
    ['a debtor street left empty in the SEPA set', file([debit({ debtor: { name: 'Anne', iban: 'FR7630006000011234567890189', bic: null, address: { ...ADDRESS, street: '★ ☎' } } })])],
    ['a debtor town left empty in the SEPA set', file([debit({ debtor: { name: 'Anne', iban: 'FR7630006000011234567890189', bic: null, address: { ...ADDRESS, postcode: '', city: '🏠' } } })])],
    ['a creditor name left empty in the SEPA set', file([debit()], { creditor: { ...CREDITOR, name: '✉✉' } })],
    ['a message id too long to number its debits', file([debit()], { messageId: 'M'.repeat(25) })],
  ])('refuses %s', (_, input) => {
    expect(() => buildPain008(input)).toThrow(DebitFileError);
  });

  it('says which debit has a debtor the bank could not read, and what of it', () => {
    const unreadable = debit({ endToEndId: 'F-2026-00002', debtor: { name: '💶', iban: 'FR7630006000011234567890189', bic: null, address: ADDRESS } });
    const error = (() => {
      try {
        buildPain008(file([debit(), unreadable]));
      } catch (caught) {
        return caught as DebitFileError;
      }
    })();
    expect(error).toBeInstanceOf(DebitFileError);
    expect([error!.debit, error!.field]).toEqual([2, 'debtor_name']);
    expect(unwritableDebtor({ name: 'Anne', address: { ...ADDRESS, street: '🏠' } })).toBe('debtor_address');
    expect(unwritableDebtor({ name: 'Hélène Œuf', address: ADDRESS })).toBeUndefined();
  });

  it("writes the debtor's name with its accents folded, and its address on two lines", () => {
    const $ = read(buildPain008(file([debit({ debtor: { name: 'Hélène Lefèvre', iban: 'FR7630006000011234567890189', bic: null, address: { ...ADDRESS, street: '3 allée des Érables' } } })])));
    expect($('Dbtr Nm').text()).toBe('Helene Lefevre');
    expect($('Dbtr PstlAdr Ctry').text()).toBe('FR');
    expect($('Dbtr PstlAdr AdrLine').map((_, line) => $(line).text()).get()).toEqual(['3 allee des Erables', '78320 Le Mesnil-Saint-Denis']);
  });

  it('never puts an IBAN in its error messages', () => {
    try {
      buildPain008(file([debit({ debtor: { name: 'X', iban: 'FR7630006000011234567890188', bic: null, address: ADDRESS } })]));
      expect.unreachable();
    } catch (error) {
      expect((error as Error).message).not.toMatch(/FR76/);
    }
  });
});
