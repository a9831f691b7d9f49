import { parisDay } from '../../domain/calendar/paris-time.ts';
import type { Clock } from '../../domain/clock.ts';
import { NotFoundError } from '../../domain/errors.ts';
import { quotientValidOn } from '../../domain/quotient.ts';
import type { Commune } from '../../data/commune-repository.ts';
import type { Repositories } from '../../data/index.ts';
import { renderInvoicePdf } from '../../integrations/pdf/invoice-pdf.ts';
import type { Member } from '../../model/family.ts';
import type { ActivityCost, Invoice, InvoiceBalance, InvoiceWithLines } from '../../model/invoice.ts';
import type { FamilyQuotient } from '../../model/quotient.ts';

/** A billing school year: September to August, so a summer holiday's month counts in the year it ends. */
export interface BillingYear {
  /** '2026-2027' */
  name: string;
  startsOn: string;
  endsOn: string;
}

export function billingYearOf(today: string): BillingYear {
  const year = Number(today.slice(0, 4));
  const first = Number(today.slice(5, 7)) >= 9 ? year : year - 1;
  return { name: `${first}-${first + 1}`, startsOn: `${first}-09-01`, endsOn: `${first + 1}-08-31` };
}

/** « Mon compte » (DESIGN §6 `/compte`): what the family owes, who is in its charge, its quotient, what things cost. */
export interface AccountSummary {
  today: string;
  balance: InvoiceBalance;
  /** The children of the family (the members with the role `child`). */
  children: Member[];
  /** The quotient valid today; undefined: the top price applies. */
  quotient?: FamilyQuotient;
  /** Values starting after today (an accepted declaration prices from the next month), soonest first. */
  upcomingQuotients: FamilyQuotient[];
  /** The latest value declared with an annual income. */
  lastDeclaredIncome?: FamilyQuotient & { annualIncome: number };
  /** Whether the parent may declare a new quotient at `/quotient-familial`. */
  declarationsEnabled: boolean;
  schoolYear: BillingYear;
  /** Each child × activity of this school year, credit notes deducted. */
  costs: ActivityCost[];
  /** The invoices and credit notes of this school year, the latest first. */
  invoices: Invoice[];
}

/**
 * The parent's reads of invoices (issue 11 items 5 and 6): the lists by status, one invoice with its
 * lines and days, its PDF, the balance, and « Mon compte ». Every read is scoped to the commune and
 * the family: another family's invoice is not found (404), never forbidden.
 */
export function invoiceService(repositories: Repositories, clock: Clock) {
  const { invoices, families, quotients } = repositories;
  const today = () => parisDay(clock.now());

  async function find(commune: Commune, familyId: number, invoiceId: number, day: string): Promise<InvoiceWithLines> {
    const invoice = await invoices.findWithLines(commune.id, familyId, invoiceId, day);
    if (!invoice) throw new NotFoundError(`invoice ${invoiceId} is not family ${familyId}'s in commune ${commune.id}`);
    return invoice;
  }

  return {
    /** `settled: false`: due and overdue invoices; `true`: settled ones and credit notes. The latest first. */
    async list(commune: Commune, familyId: number, settled: boolean): Promise<{ invoices: Invoice[]; balance: InvoiceBalance }> {
      const day = today();
      const [list, balance] = await Promise.all([
        invoices.listForFamily(commune.id, familyId, { settled, today: day }),
        invoices.balance(commune.id, familyId, day),
      ]);
      return { invoices: list, balance };
    },

    /** One invoice of the family with its lines and days, and the credit notes that correct it. */
    async detail(commune: Commune, familyId: number, invoiceId: number): Promise<{ invoice: InvoiceWithLines; creditNotes: Invoice[] }> {
      const day = today();
      const invoice = await find(commune, familyId, invoiceId, day);
      const creditNotes = invoice.kind === 'invoice' ? await invoices.creditNotesFor(commune.id, invoice.id, day) : [];
      return { invoice, creditNotes };
    },

    /** The invoice as the PDF a régie sends, named after its number. */
    async pdf(commune: Commune, familyId: number, invoiceId: number): Promise<{ filename: string; pdf: Buffer }> {
      const [invoice, family] = await Promise.all([find(commune, familyId, invoiceId, today()), families.findById(commune.id, familyId)]);
      if (!family) throw new NotFoundError(`family ${familyId} not in commune ${commune.id}`);
      const pdf = await renderInvoicePdf({ invoice, commune, address: family });
      const prefix = invoice.kind === 'credit_note' ? 'avoir' : 'facture';
      return { filename: `${prefix}-${invoice.number}.pdf`, pdf };
    },

    /** What the family owes today, and the part past due (the dashboard). */
    async balance(commune: Commune, familyId: number): Promise<InvoiceBalance> {
      return invoices.balance(commune.id, familyId, today());
    },

    /** « Mon compte »: a fixed number of queries, whatever the family's history. */
    async account(commune: Commune, familyId: number): Promise<AccountSummary> {
      const day = today();
      const schoolYear = billingYearOf(day);
      const [balance, members, history, costs, open, settled] = await Promise.all([
        invoices.balance(commune.id, familyId, day),
        families.listMembers(commune.id, familyId),
        quotients.listForFamily(commune.id, familyId),
        invoices.costPerActivity(commune.id, familyId, schoolYear.startsOn, schoolYear.endsOn),
        invoices.listForFamily(commune.id, familyId, { settled: false, today: day }),
        invoices.listForFamily(commune.id, familyId, { settled: true, today: day }),
      ]);
      const declared = history.find((entry): entry is typeof entry & { annualIncome: number } => entry.annualIncome !== null);
      const thisYear = [...open, ...settled]
        .filter((invoice) => invoice.periodStart >= schoolYear.startsOn && invoice.periodStart <= schoolYear.endsOn)
        .sort((a, b) => b.issuedAt.getTime() - a.issuedAt.getTime() || b.id - a.id);
      return {
        today: day,
        balance,
        children: members.filter((member) => member.role === 'child'),
        quotient: quotientValidOn(history, day),
        upcomingQuotients: history.filter((entry) => entry.validFrom > day).sort((a, b) => a.validFrom.localeCompare(b.validFrom)),
        lastDeclaredIncome: declared,
        declarationsEnabled: commune.settings.features.quotientDeclaration,
        schoolYear,
        costs,
        invoices: thisYear,
      };
    },
  };
}

export type InvoiceService = ReturnType<typeof invoiceService>;
