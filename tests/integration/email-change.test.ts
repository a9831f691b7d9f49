import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backOfficeFamily, PARENT_PASSWORD, staffAgent, type BackOfficeFamily } from '../support/back-office-fixtures.ts';
import { postForm } from '../support/fresh-family.ts';
import { buildTestApp, countMailsTo, csrfTokenFrom, html, lastMailTo, signIn, unique, type TestApp } from '../support/test-app.ts';

const NOW = new Date('2026-11-23T09:00:00+01:00');
let t: TestApp;
beforeAll(() => {
  t = buildTestApp(NOW);
});
afterAll(() => t.close());

const member = (id: number) => t.runtime.db('members').where({ id }).first();
const account = (id: number) => t.runtime.db('users').where({ id }).first();
const newAddress = () => `${unique('nouvelle').toLowerCase()}@example.org`;
const mailCount = async () => Number((await t.runtime.db('mail_outbox').count<{ count: string }[]>('* as count'))[0]!.count);

async function post(agent: request.Agent, path: string, fields: Record<string, string | string[]>) {
  const _csrf = await csrfTokenFrom(agent, path);
  return agent.post(path).type('form').send({ _csrf, ...fields });
}

/** Signs in on a fresh browser and answers the status (303 signed in, 401 refused). */
async function signInStatus(slug: string, login: string, password = PARENT_PASSWORD): Promise<number> {
  const agent = request.agent(t.app);
  const _csrf = await csrfTokenFrom(agent, `/${slug}/connexion`);
  const response = await agent.post(`/${slug}/connexion`).type('form').send({ _csrf, identifiant: login, motDePasse: password });
  return response.status;
}

async function askReset(slug: string, login: string) {
  const agent = request.agent(t.app);
  await post(agent, `/${slug}/mot-de-passe-oublie`, { identifiant: login }).then((r) => expect(r.status).toBe(303));
}

/** Opens the confirmation link as the person would (no session), then presses its button. */
async function confirmThrough(path: string) {
  const browser = request.agent(t.app);
  const page = await browser.get(path).expect(200);
  const $ = html(page.text);
  const _csrf = $('form input[name="_csrf"]').val() as string;
  return { page: $, response: await browser.post(path).type('form').send({ _csrf }) };
}

/** Staff accept a pending request through the queue. */
async function accept(slug: string, requestId: number) {
  const { agent } = await staffAgent(t, slug);
  return post(agent, `/${slug}/admin/demandes`, { demandes: String(requestId), decision: 'accepter' });
}

describe.each(['villennes', 'lemesnilsaintdenis'])('at %s, one guardian and the other guardian’s sign-in address', (slug) => {
  let family: BackOfficeFamily;
  beforeAll(async () => {
    family = await backOfficeFamily(t, slug, { guardians: 2 });
  });

  it('does not offer the other guardian’s e-mail on their page, and says why', async () => {
    const [julie, marc] = family.guardians;
    const $ = html((await julie!.agent!.get(`/${slug}/famille/${marc!.memberId}`).expect(200)).text);
    expect($('#field-email')).toHaveLength(0);
    const readonly = $('.readonly-field').filter((_, el) => $(el).text().includes('Adresse e-mail')).text().replace(/\s+/g, ' ');
    expect(readonly).toContain(marc!.email);
    expect(readonly).toContain(`sert à Marc ${family.name} pour se connecter à son espace`);
  });

  it('refuses a change posted by hand, with a French message, and writes nothing at all', async () => {
    const [julie, marc] = family.guardians;
    const attacker = newAddress();
    const mailsBefore = await mailCount();
    const response = await postForm(julie!.agent!, `/${slug}/famille/${marc!.memberId}`, `/${slug}/famille/${marc!.memberId}`, { email: attacker, phone: '06 11 22 33 44' });
    expect(response.status).toBe(400);
    const $ = html(response.text);
    expect($('title').text()).toMatch(/^Erreur : /);
    const message = `L'adresse e-mail de Marc ${family.name} sert à se connecter à son espace : seule cette personne peut en demander le changement`;
    expect($('.error-summary a[href="#field-email"]').text()).toContain(message);
    expect($('#error-email').text()).toContain(message);

    expect((await member(marc!.memberId)).email).toBe(marc!.email);
    expect((await member(marc!.memberId)).phone).toBeNull();
    expect((await account(marc!.user.id)).email).toBe(marc!.email);
    expect(await t.runtime.db('requests').where({ family_id: family.familyId })).toHaveLength(0);
    expect(await mailCount()).toBe(mailsBefore);

    // Through the service too: the rule does not depend on the form.
    await expect(
      t.runtime.services.familyEdits.submitMemberChanges(family.commune, julie!.user, marc!.memberId, { email: attacker }),
    ).rejects.toThrow(/others_sign_in_address/);
    expect(await t.runtime.db('requests').where({ family_id: family.familyId })).toHaveLength(0);
  });

  it('still lets the other guardian’s other fields go to the service as before', async () => {
    const [julie, marc] = family.guardians;
    const response = await postForm(julie!.agent!, `/${slug}/famille/${marc!.memberId}`, `/${slug}/famille/${marc!.memberId}`, { birthName: 'Durand' });
    expect(response.status).toBe(303);
    const [row] = await t.runtime.db('requests').where({ family_id: family.familyId, member_id: marc!.memberId });
    expect(row.payload.changes.map((change: { field: string }) => change.field)).toEqual(['birthName']);
  });
});

describe('a request on the other guardian’s address sent before the rule existed', () => {
  it('cannot be accepted: staff are told to refuse it, and nothing changes', async () => {
    const family = await backOfficeFamily(t, 'villennes', { guardians: 2 });
    const [julie, marc] = family.guardians;
    const attacker = newAddress();
    const requestId = await t.runtime.repositories.requests.insert(family.commune.id, {
      familyId: family.familyId,
      type: 'member_change',
      memberId: marc!.memberId,
      submittedBy: julie!.user.id,
      submittedAt: NOW,
      payload: {
        kind: 'changes',
        memberName: `Marc ${family.name}`,
        changes: [{ field: 'email', label: 'Adresse e-mail', before: marc!.email, after: attacker }],
      },
    });
    const response = await accept('villennes', requestId);
    expect(response.status).toBe(400);
    expect(html(response.text)('.error-summary').text()).toContain(
      `La demande n° ${requestId} change l'adresse de connexion de Marc ${family.name} sans venir de cette personne : refusez la demande`,
    );
    expect((await account(marc!.user.id)).email).toBe(marc!.email);
    expect((await member(marc!.memberId)).email).toBe(marc!.email);
    expect(await countMailsTo(t, attacker)).toBe(0);
    expect((await t.runtime.db('requests').where({ id: requestId }).first()).status).toBe('pending');
  });
});

describe('staff change a guardian’s sign-in address', () => {
  it('tells the old address, waits for the new one to confirm, and a reset to the new one does nothing meanwhile', async () => {
    const family = await backOfficeFamily(t, 'villennes', { guardians: 2 });
    const marc = family.guardians[1]!;
    const fresh = newAddress();
    const { agent } = await staffAgent(t, 'villennes');
    const path = `/villennes/admin/familles/${family.familyId}/membres/${marc.memberId}`;
    const response = await post(agent, path, { civility: 'monsieur', firstName: 'Marc', lastName: family.name, email: fresh });
    expect(response.status).toBe(303);
    const flash = html((await agent.get(response.headers.location!.split('#')[0]!).expect(200)).text)('[role="status"]').text();
    expect(flash).toContain(`un lien de confirmation est envoyé à ${fresh}`);

    // Nothing changes until the new address confirms.
    expect((await account(marc.user.id)).email).toBe(marc.email);
    expect((await member(marc.memberId)).email).toBe(marc.email);
    const editPage = html((await agent.get(path).expect(200)).text);
    expect(editPage('#hint-email').text()).toContain(`Nouvelle adresse en attente de confirmation : ${fresh}`);
    const file = html((await agent.get(`/villennes/admin/familles/${family.familyId}`).expect(200)).text);
    const audit = file('section[aria-labelledby="audit-title"] tbody tr').first().text().replace(/\s+/g, ' ');
    expect(audit).toContain('Adresse de connexion changée, en attente de confirmation par la nouvelle adresse');
    expect(audit).toContain(`Adresse e-mail : ${marc.email} → ${fresh}`);

    const notice = await lastMailTo(t, marc.email);
    expect(notice.kind).toBe('email_change_requested');
    expect(notice.text).toContain(fresh);
    expect(notice.text).toContain("Si vous n'êtes pas à l'origine de ce changement");
    const confirmation = await lastMailTo(t, fresh);
    expect(confirmation.kind).toBe('email_change_confirmation');
    expect(confirmation.text).toContain("valable 7 jours, jusqu'au lundi 30 novembre 2026 à 09h00");
    expect(confirmation.path).toMatch(/^\/villennes\/confirmer-adresse\/[\w-]{40,}$/);

    // The unconfirmed address opens nothing: no reset link, no sign-in.
    await askReset('villennes', fresh);
    expect(await countMailsTo(t, fresh, 'password_reset')).toBe(0);
    expect(await countMailsTo(t, marc.email, 'password_reset')).toBe(0);
    expect(await signInStatus('villennes', fresh)).toBe(401);
    expect(await signInStatus('villennes', marc.email)).toBe(303);

    const { response: confirmed } = await confirmThrough(confirmation.path!);
    expect(confirmed.status).toBe(303);
    expect((await account(marc.user.id)).email).toBe(fresh);
    expect((await member(marc.memberId)).email).toBe(fresh);
    expect(await signInStatus('villennes', fresh)).toBe(303);
    expect(await signInStatus('villennes', marc.email)).toBe(401);
    expect((await lastMailTo(t, marc.email)).kind).toBe('email_changed');
  });
});

describe('a guardian changes their own address (Villennes: by request)', () => {
  it('goes to staff, then a link confirms it: the new address signs in, the old one no longer does', async () => {
    const family = await backOfficeFamily(t, 'villennes', { guardians: 2 });
    const julie = family.guardians[0]!;
    const fresh = newAddress();

    const contact = html((await julie.agent!.get('/villennes/coordonnees').expect(200)).text);
    expect(contact('#hint-email').text()).toContain('un lien de confirmation est envoyé à la nouvelle adresse');
    const sent = await postForm(julie.agent!, '/villennes/coordonnees', '/villennes/coordonnees', { email: fresh });
    expect(sent.status).toBe(303);
    const [row] = await t.runtime.db('requests').where({ family_id: family.familyId, type: 'contact_change' });
    expect(await countMailsTo(t, fresh)).toBe(0);

    expect((await accept('villennes', row.id)).status).toBe(303);
    expect((await account(julie.user.id)).email).toBe(julie.email);
    expect((await lastMailTo(t, julie.email)).text).toContain(fresh);
    expect(await countMailsTo(t, julie.email, 'email_change_requested')).toBe(1);
    const pending = html((await julie.agent!.get('/villennes/coordonnees').expect(200)).text);
    expect(pending('#hint-email').text()).toContain(`Nouvelle adresse en attente de confirmation : ${fresh}`);
    expect(await signInStatus('villennes', fresh)).toBe(401);

    const confirmation = await lastMailTo(t, fresh);
    const { page, response } = await confirmThrough(confirmation.path!);
    expect(page('h1').text()).toBe('Confirmer votre nouvelle adresse e-mail');
    expect(page('main').text()).toContain(fresh);
    expect(response.status).toBe(303);
    expect(response.headers.location).toBe('/villennes/connexion');

    expect(await signInStatus('villennes', fresh)).toBe(303);
    expect(await signInStatus('villennes', julie.email)).toBe(401);
    expect((await member(julie.memberId)).email).toBe(fresh);
  });
});

describe('where a commune lets a guardian change their address directly', () => {
  it('still waits for the confirmation link before the address signs in', async () => {
    const family = await backOfficeFamily(t, 'lemesnilsaintdenis', { guardians: 1 });
    const julie = family.guardians[0]!;
    const fresh = newAddress();
    const setMode = (mode: string) =>
      t.runtime.db.raw(`UPDATE communes SET settings = jsonb_set(settings, '{familyEdits,memberFields,email}', ?::jsonb) WHERE slug = ?`, [
        JSON.stringify(mode),
        'lemesnilsaintdenis',
      ]);
    await setMode('direct');
    try {
      const response = await postForm(julie.agent!, `/lemesnilsaintdenis/famille/${julie.memberId}`, `/lemesnilsaintdenis/famille/${julie.memberId}`, { email: fresh });
      expect(response.status).toBe(303);
      const flash = html((await julie.agent!.get(response.headers.location!)).text)('[role="status"]').text();
      expect(flash).toContain(`un lien de confirmation est envoyé à ${fresh}`);
      expect(flash).not.toContain('Modifié : adresse e-mail');
    } finally {
      await setMode('request');
    }
    expect((await member(julie.memberId)).email).toBe(julie.email);
    expect((await account(julie.user.id)).email).toBe(julie.email);
    expect(await countMailsTo(t, julie.email, 'email_change_requested')).toBe(1);
    expect(await signInStatus('lemesnilsaintdenis', fresh)).toBe(401);
    expect((await confirmThrough((await lastMailTo(t, fresh)).path!)).response.status).toBe(303);
    expect(await signInStatus('lemesnilsaintdenis', fresh)).toBe(303);
  });
});

describe('an account staff created that nobody activated yet', () => {
  it('gets its activation link at the confirmed address, and the link sent to the old one stops working', async () => {
    const family = await backOfficeFamily(t, 'villennes', { guardians: 2, active: 1 });
    const marc = family.guardians[1]!;
    const oldActivation = (await lastMailTo(t, marc.email)).path!;
    const fresh = newAddress();
    const { agent } = await staffAgent(t, 'villennes');
    const path = `/villennes/admin/familles/${family.familyId}/membres/${marc.memberId}`;
    await post(agent, path, { civility: 'monsieur', firstName: 'Marc', lastName: family.name, email: fresh }).then((r) => expect(r.status).toBe(303));
    // Until the new address confirms, the old activation link is the account's only way in.
    await request.agent(t.app).get(oldActivation).expect(200);

    const { response } = await confirmThrough((await lastMailTo(t, fresh)).path!);
    expect(response.status).toBe(303);
    await request.agent(t.app).get(oldActivation).expect(410);
    const activation = await lastMailTo(t, fresh);
    expect(activation.kind).toBe('activation');
    expect(activation.path).toMatch(/^\/villennes\/activation\//);
  });
});

describe('GET and POST /:commune/confirmer-adresse/:token', () => {
  async function pendingChange() {
    const family = await backOfficeFamily(t, 'lemesnilsaintdenis', { guardians: 1 });
    const julie = family.guardians[0]!;
    const fresh = newAddress();
    const { agent } = await staffAgent(t, 'lemesnilsaintdenis');
    const path = `/lemesnilsaintdenis/admin/familles/${family.familyId}/membres/${julie.memberId}`;
    await post(agent, path, { civility: 'madame', firstName: 'Julie', lastName: family.name, email: fresh }).then((r) => expect(r.status).toBe(303));
    return { julie, fresh, path: (await lastMailTo(t, fresh)).path! };
  }

  it('refuses a used link with a clear page, and changes nothing more', async () => {
    const { julie, path } = await pendingChange();
    expect((await confirmThrough(path)).response.status).toBe(303);
    const again = await request.agent(t.app).get(path).expect(410);
    const $ = html(again.text);
    expect($('h1').text()).toBe('Ce lien de confirmation a déjà servi');
    expect($('main button').filter((_, button) => $(button).text().includes('Confirmer'))).toHaveLength(0);
    // Posting to it anyway is refused too.
    const browser = request.agent(t.app);
    const _csrf = await csrfTokenFrom(browser, '/lemesnilsaintdenis/connexion');
    await browser.post(path).type('form').send({ _csrf }).expect(410);
    expect((await account(julie.user.id)).email).not.toBe(julie.email);
  });

  it('refuses an expired link with a clear page, and the old address stays the sign-in address', async () => {
    const { julie, fresh, path } = await pendingChange();
    t.clock.set(new Date(NOW.getTime() + 7 * 86_400_000 + 60_000));
    try {
      const expired = await request.agent(t.app).get(path).expect(410);
      const $ = html(expired.text);
      expect($('h1').text()).toBe('Ce lien de confirmation a expiré');
      expect($('main').text()).toContain("Votre adresse e-mail n'a pas été changée");
      const browser = request.agent(t.app);
      const _csrf = await csrfTokenFrom(browser, '/lemesnilsaintdenis/connexion');
      await browser.post(path).type('form').send({ _csrf }).expect(410);
      expect((await account(julie.user.id)).email).toBe(julie.email);
      expect(await signInStatus('lemesnilsaintdenis', fresh)).toBe(401);
    } finally {
      t.clock.set(NOW);
    }
  });

  it('answers 404 to a link that does not exist, and refuses a POST without its CSRF token', async () => {
    const { julie, path } = await pendingChange();
    await request.agent(t.app).get('/lemesnilsaintdenis/confirmer-adresse/nimportequoi').expect(404);
    await request.agent(t.app).post(path).type('form').send({}).expect(403);
    expect((await account(julie.user.id)).email).toBe(julie.email);
  });

  it('refuses an address another account took meanwhile, says so, and keeps the link unused', async () => {
    const { julie, fresh, path } = await pendingChange();
    const other = await backOfficeFamily(t, 'lemesnilsaintdenis', { guardians: 1 });
    await t.runtime.db('users').where({ id: other.guardians[0]!.user.id }).update({ email: fresh });
    const { response } = await confirmThrough(path);
    expect(response.status).toBe(409);
    const $ = html(response.text);
    expect($('h1').text()).toBe('Cette adresse ne peut pas être confirmée');
    expect($('main').text()).toContain(`L'adresse ${fresh} est déjà celle d'un autre compte`);
    expect((await account(julie.user.id)).email).toBe(julie.email);
    expect(await countMailsTo(t, julie.email, 'email_changed')).toBe(0);
    await request.agent(t.app).get(path).expect(200);
  });
});
