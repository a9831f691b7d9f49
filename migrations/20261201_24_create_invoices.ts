import type { Knex } from 'knex';

/**
 * Invoices and credit notes (DESIGN §7 Invoices, §11 Gap-free numbers; issue 11 item 4).
 *
 * - `invoicing_runs`: one row per « Émettre les factures » of a month. The row is written before the
 *   run's transaction and its progress (`families_done` / `families_total`) through a second
 *   connection, so the page can show it while the run's transaction is still open; the run's
 *   transaction sets `issued` when it commits, `failed` is written after a rollback.
 * - `invoices`: an invoice (`kind = 'invoice'`, a month of a family) or a credit note (`credit_note`,
 *   negative total, `credit_for_invoice_id` and `reason` given). The family's name and file number
 *   are copied at issue: an invoice says what it said the day it was sent. `quotient` is the QF used
 *   (null: the top price applied). `settled_at`: when it was paid (a credit note: at its issue).
 * - `invoice_lines`: a child × an activity × a kind of day × a unit price, with every day it bills.
 *   A credit note's lines have negative amounts (their quantity stays the number of days credited)
 *   and may name the invoice line they credit (`credit_for_line_id`), credited once at most.
 *
 * Database facts: one invoice per family and month (the partial unique index: re-running a month
 * issues nothing twice, even from two runs at once), numbers unique per commune, and an issued
 * invoice never changes: a trigger refuses any UPDATE or DELETE of a line and any UPDATE of an
 * invoice except recording its settlement (`settled_at` from null to a time), and any DELETE.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('invoicing_runs', (t) => {
    t.increments('id');
    t.integer('commune_id').notNullable().references('communes.id');
    // The first day of the month billed.
    t.date('month').notNullable();
    t.text('status').notNullable();
    t.integer('families_total').nullable();
    t.integer('families_done').notNullable().defaultTo(0);
    t.integer('invoices_issued').notNullable().defaultTo(0);
    t.bigInteger('total_cents').notNullable().defaultTo(0);
    t.integer('started_by').notNullable();
    t.timestamp('started_at', { useTz: true }).notNullable();
    t.timestamp('finished_at', { useTz: true }).nullable();
    t.foreign(['commune_id', 'started_by']).references(['commune_id', 'id']).inTable('users');
    t.unique(['commune_id', 'id']);
    t.index(['commune_id', 'month']);
  });
  await knex.raw(`ALTER TABLE invoicing_runs ADD CONSTRAINT invoicing_runs_status CHECK (status IN ('running', 'issued', 'failed'))`);
  await knex.raw(`ALTER TABLE invoicing_runs ADD CONSTRAINT invoicing_runs_month CHECK (extract(day FROM month) = 1)`);
  await knex.raw(
    `ALTER TABLE invoicing_runs ADD CONSTRAINT invoicing_runs_progress CHECK (families_done >= 0 AND (families_total IS NULL OR families_done <= families_total) AND invoices_issued >= 0)`,
  );

  await knex.schema.createTable('invoices', (t) => {
    t.increments('id');
    t.integer('commune_id').notNullable().references('communes.id');
    t.integer('family_id').notNullable();
    t.text('kind').notNullable();
    t.text('number').notNullable();
    t.text('family_name').notNullable();
    t.text('family_reference').notNullable();
    t.date('period_start').notNullable();
    t.date('period_end').notNullable();
    t.timestamp('issued_at', { useTz: true }).notNullable();
    t.integer('issued_by').notNullable();
    t.date('due_on').notNullable();
    t.integer('total_cents').notNullable();
    t.integer('quotient').nullable();
    t.integer('credit_for_invoice_id').nullable();
    t.text('reason').nullable();
    t.integer('run_id').nullable();
    t.timestamp('settled_at', { useTz: true }).nullable();
    t.foreign(['commune_id', 'family_id']).references(['commune_id', 'id']).inTable('families');
    t.foreign(['commune_id', 'issued_by']).references(['commune_id', 'id']).inTable('users');
    t.foreign(['commune_id', 'run_id']).references(['commune_id', 'id']).inTable('invoicing_runs');
    t.unique(['commune_id', 'id']);
    t.unique(['commune_id', 'number']);
    t.index(['commune_id', 'family_id', 'issued_at']);
    t.index(['commune_id', 'period_start']);
    t.index(['commune_id', 'credit_for_invoice_id']);
  });
  await knex.raw(
    `ALTER TABLE invoices ADD CONSTRAINT invoices_credit_for FOREIGN KEY (commune_id, credit_for_invoice_id) REFERENCES invoices (commune_id, id)`,
  );
  await knex.raw(`CREATE UNIQUE INDEX invoices_one_per_family_and_month ON invoices (commune_id, family_id, period_start) WHERE kind = 'invoice'`);
  await knex.raw(`ALTER TABLE invoices ADD CONSTRAINT invoices_kind CHECK (kind IN ('invoice', 'credit_note'))`);
  await knex.raw(`ALTER TABLE invoices ADD CONSTRAINT invoices_period CHECK (period_end >= period_start)`);
  await knex.raw(
    `ALTER TABLE invoices ADD CONSTRAINT invoices_kind_fields CHECK (
       (kind = 'invoice' AND total_cents >= 0 AND credit_for_invoice_id IS NULL AND reason IS NULL)
       OR (kind = 'credit_note' AND total_cents <= 0 AND credit_for_invoice_id IS NOT NULL AND reason IS NOT NULL
           AND run_id IS NULL AND settled_at IS NOT NULL))`,
  );
  await knex.raw(`ALTER TABLE invoices ADD CONSTRAINT invoices_quotient CHECK (quotient IS NULL OR quotient >= 0)`);

  await knex.schema.createTable('invoice_lines', (t) => {
    t.increments('id');
    t.integer('commune_id').notNullable();
    t.integer('invoice_id').notNullable();
    t.integer('position').notNullable();
    t.integer('member_id').notNullable();
    t.text('child_name').notNullable();
    t.integer('activity_id').notNullable();
    t.text('activity_name').notNullable();
    t.text('charge').notNullable();
    t.integer('unit_price_cents').notNullable();
    t.integer('quantity').notNullable();
    t.integer('gross_cents').notNullable();
    t.integer('sibling_reduction_percent').notNullable();
    t.integer('reduction_cents').notNullable();
    t.integer('amount_cents').notNullable();
    t.jsonb('rule').notNullable();
    t.specificType('days', 'date[]').notNullable();
    t.integer('credit_for_line_id').nullable();
    t.foreign(['commune_id', 'invoice_id']).references(['commune_id', 'id']).inTable('invoices');
    t.foreign(['commune_id', 'member_id']).references(['commune_id', 'id']).inTable('members');
    t.foreign(['commune_id', 'activity_id']).references(['commune_id', 'id']).inTable('activities');
    t.unique(['commune_id', 'id']);
    t.unique(['commune_id', 'invoice_id', 'position']);
    // A line is credited once at most.
    t.unique(['commune_id', 'credit_for_line_id']);
    t.index(['commune_id', 'member_id', 'activity_id']);
  });
  await knex.raw(
    `ALTER TABLE invoice_lines ADD CONSTRAINT invoice_lines_credit_for FOREIGN KEY (commune_id, credit_for_line_id) REFERENCES invoice_lines (commune_id, id)`,
  );
  await knex.raw(`ALTER TABLE invoice_lines ADD CONSTRAINT invoice_lines_charge CHECK (charge IN ('booked', 'no_show', 'unbooked'))`);
  await knex.raw(
    `ALTER TABLE invoice_lines ADD CONSTRAINT invoice_lines_amounts CHECK (
       unit_price_cents >= 0 AND quantity > 0 AND quantity = cardinality(days)
       AND abs(gross_cents) = unit_price_cents * quantity
       AND amount_cents = gross_cents - reduction_cents
       AND sibling_reduction_percent BETWEEN 0 AND 100
       AND ((gross_cents >= 0 AND reduction_cents >= 0 AND amount_cents >= 0 AND credit_for_line_id IS NULL)
            OR (gross_cents <= 0 AND reduction_cents <= 0 AND amount_cents <= 0)))`,
  );

  await knex.raw(`
    CREATE FUNCTION invoices_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'an issued invoice cannot be deleted (issue a credit note)' USING ERRCODE = 'check_violation';
      END IF;
      IF (to_jsonb(NEW) - 'settled_at') IS DISTINCT FROM (to_jsonb(OLD) - 'settled_at')
         OR (OLD.settled_at IS NOT NULL AND NEW.settled_at IS DISTINCT FROM OLD.settled_at) THEN
        RAISE EXCEPTION 'an issued invoice cannot be changed (issue a credit note); only its settlement is recorded'
          USING ERRCODE = 'check_violation';
      END IF;
      RETURN NEW;
    END $$`);
  await knex.raw(`CREATE TRIGGER invoices_immutable BEFORE UPDATE OR DELETE ON invoices FOR EACH ROW EXECUTE FUNCTION invoices_immutable()`);
  await knex.raw(`
    CREATE FUNCTION invoice_lines_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      RAISE EXCEPTION 'the lines of an issued invoice cannot be changed (issue a credit note)' USING ERRCODE = 'check_violation';
    END $$`);
  await knex.raw(
    `CREATE TRIGGER invoice_lines_immutable BEFORE UPDATE OR DELETE ON invoice_lines FOR EACH ROW EXECUTE FUNCTION invoice_lines_immutable()`,
  );
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('invoice_lines');
  await knex.schema.dropTable('invoices');
  await knex.schema.dropTable('invoicing_runs');
  await knex.raw('DROP FUNCTION invoice_lines_immutable()');
  await knex.raw('DROP FUNCTION invoices_immutable()');
}
