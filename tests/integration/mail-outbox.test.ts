import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMailTransport } from '../../src/integrations/mail/mail-transport.ts';
import { mailWorker, retryDelayMs } from '../../src/integrations/mail/mail-worker.ts';
import { createLogger } from '../../src/logger.ts';
import { buildTestApp, unique, type TestApp } from '../support/test-app.ts';

const NOW = new Date('2026-11-23T09:00:00+01:00');

/** A real SMTP server on loopback that refuses every recipient until told to accept. */
function testSmtpServer() {
  const received: { to: string[]; raw: string }[] = [];
  let accepting = false;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onRcptTo(_address, _session, callback) {
      if (accepting) return callback();
      const error = Object.assign(new Error('Mailbox temporarily unavailable'), { responseCode: 451 });
      return callback(error);
    },
    onData(stream, session, callback) {
      let raw = '';
      stream.on('data', (chunk: Buffer) => (raw += chunk.toString('utf8')));
      stream.on('end', () => {
        received.push({ to: session.envelope.rcptTo.map((r) => r.address), raw });
        callback();
      });
    },
  });
  return {
    received,
    accept: () => (accepting = true),
    listen: () => new Promise<number>((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.server.address() as AddressInfo).port))),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

let t: TestApp;
const smtp = testSmtpServer();
let port: number;
/** Mails other suites left queued, put out of the workers' reach while this file runs. */
let parked: { id: number; next_attempt_at: Date }[] = [];

beforeAll(async () => {
  t = buildTestApp(NOW);
  port = await smtp.listen();
  parked = await t.runtime.db('mail_outbox').where({ status: 'pending' }).select('id', 'next_attempt_at');
  await t.runtime.db('mail_outbox').whereIn('id', parked.map((row) => row.id)).update({ next_attempt_at: new Date('2100-01-01T00:00:00Z') });
});
afterAll(async () => {
  for (const row of parked) await t.runtime.db('mail_outbox').where({ id: row.id }).update({ next_attempt_at: row.next_attempt_at });
  await smtp.close();
  await t.close();
});

function worker() {
  const transport = createMailTransport(`smtp://127.0.0.1:${port}`);
  return {
    transport,
    worker: mailWorker({
      db: t.runtime.db,
      outbox: t.runtime.services.outbox,
      transport,
      clock: t.clock,
      logger: createLogger('silent'),
      from: 'Espace Famille <no-reply@example.org>',
    }),
  };
}

describe('the mail outbox', () => {
  it('keeps a mail the SMTP server refuses, retries later, and sends it exactly once', async () => {
    const commune = (await t.runtime.services.communes.findBySlug('echirolles'))!;
    const email = `${unique('outbox')}@example.org`;
    await t.runtime.services.familyCreation.createFamilyWithGuardians(commune, {
      name: 'Outbox',
      guardians: [{ civility: 'madame', lastName: 'Outbox', firstName: 'Alice', email }],
    });
    const row = () => t.runtime.db('mail_outbox').where({ to_address: email }).first();

    const { worker: first, transport } = worker();
    await first.runOnce();
    const afterRefusal = await row();
    expect(afterRefusal).toMatchObject({ status: 'pending', attempts: 1 });
    expect(afterRefusal.last_error).toContain('451');
    expect(new Date(afterRefusal.next_attempt_at).getTime()).toBe(NOW.getTime() + retryDelayMs(1));
    expect(smtp.received.filter((mail) => mail.to.includes(email))).toHaveLength(0);

    // Not due yet: nothing is tried again before the back-off has passed.
    smtp.accept();
    await first.runOnce();
    expect((await row()).attempts).toBe(1);

    t.clock.set(new Date(NOW.getTime() + retryDelayMs(1)));
    // Two workers at once (two app instances): the mail leaves once.
    const { worker: second, transport: secondTransport } = worker();
    await Promise.all([first.runOnce(), second.runOnce()]);
    await first.runOnce();
    transport.close();
    secondTransport.close();

    const sent = await row();
    expect(sent).toMatchObject({ status: 'sent', attempts: 2, last_error: null });
    const delivered = smtp.received.filter((mail) => mail.to.includes(email));
    expect(delivered).toHaveLength(1);
    expect(delivered[0]!.raw).toMatch(/Subject: =\?UTF-8\?/);
    expect(delivered[0]!.raw).toContain('multipart/alternative');
    t.clock.set(NOW);
  });

  it('writes no mail when the change that causes it fails', async () => {
    const commune = (await t.runtime.services.communes.findBySlug('echirolles'))!;
    const email = `${unique('rollback')}@example.org`;
    await expect(
      t.runtime.services.familyCreation.createFamilyWithGuardians(commune, {
        name: 'Rollback',
        // The second guardian's e-mail is taken: the whole family is refused, mails included.
        guardians: [
          { civility: 'madame', lastName: 'Rollback', firstName: 'Alice', email },
          { civility: 'monsieur', lastName: 'Rollback', firstName: 'Bob', email: 'parent@echirolles.example.org' },
        ],
      }),
    ).rejects.toThrow(/account_exists/);
    expect(await t.runtime.db('mail_outbox').where({ to_address: email })).toHaveLength(0);
    expect(await t.runtime.db('users').where({ email })).toHaveLength(0);
  });
});

describe('retryDelayMs', () => {
  it.each([
    [1, 1],
    [2, 2],
    [3, 4],
    [7, 60],
    [12, 60],
  ])('after attempt %i waits %i minutes', (attempt, minutes) => {
    expect(retryDelayMs(attempt)).toBe(minutes * 60_000);
  });
});
