import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CommuneLimits } from '../../src/config/commune-file.ts';
import { demoAgent, freshFamily, withFeature, type FreshFamily } from '../support/fresh-family.ts';
import { BENIGN_PDFS, buildPdf, HOSTILE_PDFS } from '../support/pdf-bytes.ts';
import { buildTestApp, csrfTokenFrom, html, type TestApp } from '../support/test-app.ts';

// Villennes has the porte-documents and messages on, and asks for a « justificatif de domicile »
// of the family (PDF, JPEG or PNG, 5 Mo).
const SLUG = 'villennes';
const HOME = 'justificatif-domicile';
const SUBJECT = 'Documents et justificatifs';
const MB = 1024 * 1024;
// Reading a PDF starts a worker thread and two parsers: generous time on a shared machine.
const SLOW = 120_000;

let t: TestApp;
beforeAll(() => {
  t = buildTestApp();
});
afterAll(() => t.close());

const db = () => t.runtime.db;
const squash = (text: string) => text.replace(/\s+/g, ' ').trim();
const agentOf = (family: FreshFamily, guardian = 0) => family.parents[guardian]!.agent;

/** A PNG of `bytes` bytes: its signature, then filler (the check reads the signature, not the image). */
const png = (bytes: number) => Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(bytes - 8, 1)]);

/**
 * Runs `body` with some of the commune's limits set in its stored settings, then puts them back.
 * The integration suites run one file at a time, so no other suite sees the change.
 */
async function withLimits<T>(limits: Partial<CommuneLimits>, body: () => Promise<T>): Promise<T> {
  const [before] = await db()('communes').where({ slug: SLUG }).select(db().raw(`settings->'limits' AS limits`));
  await db().raw(`UPDATE communes SET settings = jsonb_set(settings, '{limits}', ?::jsonb) WHERE slug = ?`, [JSON.stringify({ ...(before.limits ?? {}), ...limits }), SLUG]);
  try {
    return await body();
  } finally {
    await db().raw(`UPDATE communes SET settings = jsonb_set(settings, '{limits}', ?::jsonb) WHERE slug = ?`, [JSON.stringify(before.limits ?? {}), SLUG]);
  }
}

/** The page's form posting to `action`: its hidden fields (CSRF token, one-time key). */
async function hiddenFields(agent: request.Agent, page: string, action: string): Promise<Record<string, string>> {
  const $ = html((await agent.get(page).expect(200)).text);
  const form = $(`main form[action="${action}"]`).last();
  if (!form.length) throw new Error(`no form to ${action} on ${page}`);
  return Object.fromEntries(form.find('input[type="hidden"]').map((_, input) => [[$(input).attr('name')!, String($(input).val() ?? '')]]).get() as [string, string][]);
}

/** A multipart form as a browser posts it: hidden fields first, then the fields, then the files. */
async function postFiles(agent: request.Agent, page: string, fields: Record<string, string>, field: string, files: { content: Buffer; name: string }[]) {
  let post = agent.post(page);
  for (const [name, value] of Object.entries({ ...(await hiddenFields(agent, page, page)), ...fields })) post = post.field(name, value);
  for (const file of files) post = post.attach(field, file.content, { filename: file.name, contentType: 'application/pdf' });
  return post;
}

const sendDocument = (agent: request.Agent, files: { content: Buffer; name: string }[]) => postFiles(agent, `/${SLUG}/documents`, { document: HOME }, 'fichiers', files);
const storePrivately = (agent: request.Agent, content: Buffer, name = 'scan.png') => postFiles(agent, `/${SLUG}/porte-documents`, { libelle: '' }, 'fichier', [{ content, name }]);
const writeToService = (agent: request.Agent, message: string, file?: { content: Buffer; name: string }) =>
  postFiles(agent, `/${SLUG}/contact`, { objet: SUBJECT, message }, 'piece_jointe', file ? [file] : []);

const count = async (table: string, where: Record<string, unknown>) => Number((await db()(table).where(where).count<{ count: string }[]>('* as count'))[0]!.count);
const familyBytes = (family: FreshFamily) => t.runtime.repositories.storedFiles.familyUsage(family.commune.id, family.familyId);
const written = async (family: FreshFamily) => ({
  files: await count('stored_files', { family_id: family.familyId }),
  sendings: await count('family_documents', { family_id: family.familyId }),
  threads: await count('message_threads', { family_id: family.familyId }),
  messages: await count('messages', { family_id: family.familyId }),
  privateFiles: Number((await db().raw(`SELECT count(*) FROM private_files p JOIN users u ON u.commune_id = p.commune_id AND u.id = p.user_id WHERE u.family_id = ?`, [family.familyId])).rows[0].count),
});

/** The refused form: its status, the field's own message, the summary's, and the page title. */
function refusal(response: request.Response, field: string) {
  const $ = html(response.text);
  return {
    status: response.status,
    field: squash($(`#error-${field}`).text()).replace(/^Erreur : /, ''),
    summary: $('.error-summary a').map((_, a) => ({ href: $(a).attr('href'), text: squash($(a).text()) })).get(),
    title: squash($('title').text()),
    $,
  };
}

describe('issue 18 item 6: hostile PDFs through the real upload routes', () => {
  let family: FreshFamily;
  beforeAll(async () => {
    family = await freshFamily(t, SLUG, { prefix: 'Hostile' });
  });

  it.each(HOSTILE_PDFS)('« Mes documents » refuses %s, next to the field and in the summary, and writes nothing', async (_, content) => {
    const before = await written(family);
    const response = await sendDocument(agentOf(family), [{ content, name: 'justificatif.pdf' }]);
    const seen = refusal(response, 'fichiers');
    expect(seen.status).toBe(422);
    expect(seen.field).toMatch(/^Le PDF contient .+ : nous ne pouvons pas l'accepter\./);
    expect(seen.summary).toEqual([{ href: '#field-fichiers', text: seen.field }]);
    expect(seen.title).toMatch(/^Erreur : /);
    expect(await written(family)).toEqual(before);
  }, SLOW);

  // The two that got past the byte patterns, and two only a parser names, on every other form that takes a file.
  const hardest = HOSTILE_PDFS.filter(([name]) => /NUL|object stream|XFA|embedded file/.test(name));

  it.each(hardest)('a message to the service refuses %s as its attachment, keeps the text, and nothing reaches staff', async (_, content) => {
    const before = await written(family);
    const response = await writeToService(agentOf(family), 'Voici le justificatif demandé.', { content, name: 'justificatif.pdf' });
    const seen = refusal(response, 'piece_jointe');
    expect(seen.status).toBe(400);
    expect(seen.field).toMatch(/^Le PDF contient /);
    expect(seen.$('#field-message').text()).toBe('Voici le justificatif demandé.');
    expect(await written(family)).toEqual(before);
  }, SLOW);

  it.each(hardest)('the porte-documents refuses %s', async (_, content) => {
    const before = await written(family);
    const seen = refusal(await storePrivately(agentOf(family), content, 'releve.pdf'), 'fichier');
    expect(seen.status).toBe(400);
    expect(seen.field).toMatch(/^Le PDF contient /);
    expect(await written(family)).toEqual(before);
  }, SLOW);

  it.each(hardest)('« Documentation » refuses %s, so it never reaches every parent', async (_, content) => {
    const { agent } = await demoAgent(t, SLUG);
    const page = `/${SLUG}/admin/documentation`;
    const before = await count('commune_documents', { commune_id: family.commune.id });
    const seen = refusal(await postFiles(agent, page, { titre: 'Règlement intérieur', description: '' }, 'fichier', [{ content, name: 'reglement.pdf' }]), 'fichier');
    expect(seen.status).toBe(400);
    expect(seen.field).toMatch(/^Le PDF contient /);
    expect(await count('commune_documents', { commune_id: family.commune.id })).toBe(before);
  }, SLOW);

  it.each(BENIGN_PDFS)('« Mes documents » still takes %s', async (_, content) => {
    const response = await sendDocument(agentOf(family), [{ content, name: 'justificatif.pdf' }]);
    expect(response.status).toBe(303);
  }, SLOW);
});

describe('issue 18 item 7: what one family may send', () => {
  it('shows the family its space in words where it sends files', async () => {
    const family = await freshFamily(t, SLUG, { prefix: 'Espace' });
    await withLimits({ familyStorageMb: 10 }, async () => {
      expect((await storePrivately(agentOf(family), png(Math.round(1.5 * MB)))).status).toBe(303);
      const words = 'Vous utilisez 1,5 Mo sur 10 Mo';
      const pageText = async (page: string) => squash(html((await agentOf(family).get(`/${SLUG}${page}`).expect(200)).text)('main').text());
      // (« Justifier une absence » says it too, next to its certificate field, once the child has a booked day.)
      for (const page of ['/documents', '/porte-documents', '/contact']) expect(await pageText(page), page).toContain(words);
      await withFeature(t, SLUG, 'quotientDeclaration', true, async () => expect(await pageText('/quotient-familial')).toContain(words));
      const threadId = await t.runtime.services.messages.contact(family.commune, family.parents[0]!.user, { subject: SUBJECT, memberId: '', body: 'Bonjour' });
      expect(squash(html((await agentOf(family).get(`/${SLUG}/messages/${threadId}`).expect(200)).text)('main').text())).toContain(words);
    });
  });

  it('refuses a file over the family budget, across the porte-documents and requested documents, and writes nothing', async () => {
    const family = await freshFamily(t, SLUG, { prefix: 'Budget' });
    await withLimits({ familyStorageMb: 5 }, async () => {
      expect((await storePrivately(agentOf(family), png(3 * MB))).status).toBe(303);
      const before = await written(family);
      const seen = refusal(await sendDocument(agentOf(family), [{ content: png(3 * MB), name: 'facture.png' }]), 'fichiers');
      expect(seen.status).toBe(409);
      expect(seen.field).toBe(
        "Ce fichier (3 Mo) dépasse l'espace de votre famille : Vous utilisez 3 Mo sur 5 Mo. Supprimez des documents de votre porte-documents, ou envoyez un fichier plus léger",
      );
      expect(seen.summary).toEqual([{ href: '#field-fichiers', text: seen.field }]);
      expect(await written(family)).toEqual(before);
      // A message's attachment counts too.
      const message = refusal(await writeToService(agentOf(family), 'Le justificatif, en pièce jointe.', { content: png(3 * MB), name: 'facture.png' }), 'piece_jointe');
      expect(message.status).toBe(409);
      expect(message.$('#field-message').text()).toBe('Le justificatif, en pièce jointe.');
      expect(await written(family)).toEqual(before);
    });
  });

  it('lets only one of two sendings racing at the budget pass, from two guardians and two forms at once', async () => {
    const family = await freshFamily(t, SLUG, { guardians: 2, prefix: 'Course' });
    await withLimits({ familyStorageMb: 5 }, async () => {
      // Both forms are read first, then posted at the same moment.
      const page = `/${SLUG}/documents`;
      const privatePage = `/${SLUG}/porte-documents`;
      const [documentForm, privateForm] = await Promise.all([hiddenFields(agentOf(family, 0), page, page), hiddenFields(agentOf(family, 1), privatePage, privatePage)]);
      const post = (agent: request.Agent, action: string, hidden: Record<string, string>, fields: Record<string, string>, field: string) => {
        let req = agent.post(action);
        for (const [name, value] of Object.entries({ ...hidden, ...fields })) req = req.field(name, value);
        return req.attach(field, png(3 * MB), { filename: 'scan.png', contentType: 'image/png' });
      };
      const statuses = (
        await Promise.all([
          post(agentOf(family, 0), page, documentForm, { document: HOME }, 'fichiers'),
          post(agentOf(family, 1), privatePage, privateForm, { libelle: 'Scan' }, 'fichier'),
        ])
      ).map((response) => response.status);
      expect(statuses.sort()).toEqual([303, 409]);
      expect(await familyBytes(family)).toBe(3 * MB);
    });
  }, SLOW);

  it('caps the pages and the size of one sending, across the files joined to it while it waits', async () => {
    const family = await freshFamily(t, SLUG, { prefix: 'Pages' });
    await withLimits({ sendingMaxPages: 3, sendingMaxMb: 2 }, async () => {
      const page = (n: number) => ({ content: png(100_000), name: `page${n}.png` });
      expect((await sendDocument(agentOf(family), [page(1), page(2)])).status).toBe(303);
      const before = await written(family);
      const pages = refusal(await sendDocument(agentOf(family), [page(3), page(4)]), 'fichiers');
      expect(pages.status).toBe(422);
      expect(pages.field).toBe('Ce document compterait 4 pages : 3 pages au plus par document. Envoyez seulement les pages utiles');
      expect(await written(family)).toEqual(before);
      const size = refusal(await sendDocument(agentOf(family), [{ content: png(Math.round(1.9 * MB)), name: 'grand.png' }]), 'fichiers');
      expect(size.status).toBe(422);
      expect(size.field).toMatch(/^Ce document pèserait 2,1 Mo : 2 Mo au plus par document\./);
      expect(await written(family)).toEqual(before);
      // A PDF counts its pages as the reader does.
      expect((await sendDocument(agentOf(family), [{ content: BENIGN_PDFS[0]![1], name: 'page3.pdf' }])).status).toBe(303);
      expect(await t.runtime.db('stored_files').where({ family_id: family.familyId }).orderBy('id').pluck('pages')).toEqual([1, 1, 1]);
    });
  }, SLOW);

  it('caps the pages of a single PDF on any form a family sends it with, as its reader counts them', async () => {
    const family = await freshFamily(t, SLUG, { prefix: 'Epais' });
    await withLimits({ sendingMaxPages: 2 }, async () => {
      const kids = [3, 4, 5].map((n) => `${n} 0 R`).join(' ');
      const threePages = buildPdf([
        '<< /Type /Catalog /Pages 2 0 R >>',
        `<< /Type /Pages /Kids [${kids}] /Count 3 >>`,
        ...[1, 2, 3].map(() => '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>'),
      ]);
      const before = await written(family);
      const seen = refusal(await writeToService(agentOf(family), 'Le dossier complet.', { content: threePages, name: 'dossier.pdf' }), 'piece_jointe');
      expect(seen.status).toBe(400);
      expect(seen.field).toBe('Ce document compterait 3 pages : 2 pages au plus par document. Envoyez seulement les pages utiles');
      expect(seen.$('#field-message').text()).toBe('Le dossier complet.');
      expect(await written(family)).toEqual(before);
    });
  }, SLOW);

  it('limits new conversations per account and hour: a French answer, the text kept in the form, nothing written, no mail', async () => {
    const family = await freshFamily(t, SLUG, { prefix: 'Rafale' });
    await withLimits({ threadsPerHour: 2, messagesPerHour: 3 }, async () => {
      for (const n of [1, 2]) expect((await writeToService(agentOf(family), `Question ${n}`)).status).toBe(303);
      const before = await written(family);
      const mails = await count('mail_outbox', { commune_id: family.commune.id });
      const seen = refusal(await writeToService(agentOf(family), 'Troisième question, qui ne doit pas se perdre.'), 'message');
      expect(seen.status).toBe(429);
      expect(seen.field).toBe("Vous avez ouvert 2 conversations dans l'heure : votre message n'est pas envoyé, il reste ci-dessous. Réessayez dans 60 minutes, ou écrivez dans une conversation déjà ouverte");
      expect(seen.summary).toEqual([{ href: '#field-message', text: seen.field }]);
      expect(seen.$('#field-message').text()).toBe('Troisième question, qui ne doit pas se perdre.');
      expect(seen.$('#field-objet option[selected]').attr('value')).toBe(SUBJECT);
      expect(await written(family)).toEqual(before);
      expect(await count('mail_outbox', { commune_id: family.commune.id })).toBe(mails);

      // Answers count as messages: one more passes (3 per hour), the next is refused and kept.
      const [threadId] = await db()('message_threads').where({ family_id: family.familyId }).orderBy('id').pluck('id');
      const thread = `/${SLUG}/messages/${threadId}`;
      expect((await postFiles(agentOf(family), thread, { message: 'Une précision.' }, 'piece_jointe', [])).status).toBe(303);
      const reply = refusal(await postFiles(agentOf(family), thread, { message: 'Encore une précision.' }, 'piece_jointe', []), 'message');
      expect(reply.status).toBe(429);
      expect(reply.field).toMatch(/^Vous avez envoyé 3 messages dans l'heure : votre message n'est pas envoyé, il reste ci-dessous\./);
      expect(reply.$('#field-message').text()).toBe('Encore une précision.');
    });
  });

  it('counts in PostgreSQL per account: many parallel conversations, no more than the limit opened', async () => {
    const family = await freshFamily(t, SLUG, { prefix: 'Parallele' });
    await withLimits({ threadsPerHour: 3 }, async () => {
      const agent = agentOf(family);
      // One session, one CSRF token; eight forms, each with its own one-time key, posted at once.
      const hidden = await hiddenFields(agent, `/${SLUG}/contact`, `/${SLUG}/contact`);
      const statuses = await Promise.all(
        Array.from({ length: 8 }, (_, n) =>
          agent
            .post(`/${SLUG}/contact`)
            .type('form')
            .send({ ...hidden, idempotency_key: randomUUID(), objet: SUBJECT, message: `Question ${n}` })
            .then((response) => response.status),
        ),
      );
      expect(statuses.sort()).toEqual([303, 303, 303, 429, 429, 429, 429, 429]);
      expect(statuses.filter((status) => status === 429)).toHaveLength(5);
      expect(await count('message_threads', { family_id: family.familyId })).toBe(3);
    });
  });

  it('the other guardian has an allowance of their own', async () => {
    const family = await freshFamily(t, SLUG, { guardians: 2, prefix: 'Deux' });
    await withLimits({ threadsPerHour: 1 }, async () => {
      expect((await writeToService(agentOf(family, 0), 'De la part d’Anne')).status).toBe(303);
      expect((await writeToService(agentOf(family, 0), 'Encore Anne')).status).toBe(429);
      expect((await writeToService(agentOf(family, 1), 'De la part de Marc')).status).toBe(303);
    });
  });
});

describe('the files module', () => {
  it('a file staff attach to their answer stays outside the family budget', async () => {
    const family = await freshFamily(t, SLUG, { prefix: 'Reponse' });
    const threadId = await t.runtime.services.messages.contact(family.commune, family.parents[0]!.user, { subject: SUBJECT, memberId: '', body: 'Bonjour' });
    const { agent } = await demoAgent(t, SLUG);
    const page = `/${SLUG}/admin/messages/${threadId}`;
    expect((await postFiles(agent, page, { message: 'Voici le formulaire.' }, 'piece_jointe', [{ content: png(200_000), name: 'formulaire.png' }])).status).toBe(303);
    expect(await count('stored_files', { family_id: family.familyId, sent_by_staff: true })).toBe(1);
    expect(await familyBytes(family)).toBe(0);
  });

  it('refuses a POST without its CSRF token on the family forms it checks', async () => {
    const family = await freshFamily(t, SLUG, { prefix: 'Jeton' });
    await csrfTokenFrom(agentOf(family), `/${SLUG}/documents`);
    const response = await agentOf(family).post(`/${SLUG}/documents`).field('document', HOME).attach('fichiers', png(1000), { filename: 'a.png', contentType: 'image/png' });
    expect(response.status).toBe(403);
    expect(await written(family)).toMatchObject({ files: 0 });
  });
});
