/**
 * The family file and requests, both sides of the counter (issue 4), on a phone: a parent changes
 * a child's details (the class goes to the service, the allergies are changed at once) and asks to
 * add a child; an agent accepts the first request and refuses the second with a reason; the parent
 * sees both outcomes on the dashboard, in the history and in the family file.
 * Uses martin-claire of Le Mesnil-Saint-Denis (never her password: only sign-in.e2e.ts's
 * Échirolles one is shared) and that commune's demo agent; never martin-paul, whose password
 * accounts.e2e.ts changes.
 */
import type { Browser, Locator, Page, ViewportSize } from 'playwright-core';
import { describe, expect, inject } from 'vitest';
import { MOBILE, expectNoAxeViolations, expectNoHorizontalScroll, test } from './support/browser.ts';
import { checkPage, follow, goto, pathOf, signIn, title } from './support/journey.ts';

const COMMUNE = '/lemesnilsaintdenis';
const PARENT = { identifier: 'martin-claire', password: 'demo-parent-2026', email: 'parent@lemesnilsaintdenis.example.org' };
/** « dimanche 22 novembre 2026 ». */
const DAY_IN_WORDS = '(lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche) \\d{1,2}(?:er)? \\S+ \\d{4}';
const AGENT = { identifier: 'agent@lemesnilsaintdenis.example.org', password: 'demo-agent-2026' };

/** The text of the flash message (« role=status ») shown after a form was sent. */
async function flash(page: Page): Promise<string> {
  return (await page.getByRole('status').innerText()).replace(/\s+/g, ' ').trim();
}

/** On « Ma famille »: « 2 demandes en attente de réponse du service. Voir mes démarches ». */
function pendingNotice(page: Page): Locator {
  return page.getByRole('main').getByText(/en attente de réponse du service/);
}

function menu(page: Page): Locator {
  return page.getByRole('navigation', { name: 'Menu principal' });
}

/** A staff member's own browser: a context of its own, so no cookie is shared with the parent's. */
async function staffPage(browser: Browser, viewport: ViewportSize): Promise<Page> {
  const context = await browser.newContext({ baseURL: inject('baseUrl'), viewport, locale: 'fr-FR', timezoneId: 'Europe/Paris' });
  return context.newPage();
}

describe('family file and requests', () => {
  describe('at 360×740', () => {
    test.override('viewport', MOBILE);

    test('a parent changes a child and asks for a new one; an agent accepts one and refuses the other; the parent sees both outcomes', async ({
      page,
      browser,
    }) => {
      const allergies = 'Allergie aux arachides, pas de fruits à coque';
      const newChild = { firstName: 'Jeanne', lastName: 'Martin', birthDate: '2022-06-08', school: 'École Jean-Jaurès', level: 'Petite section' };
      const newChildName = `${newChild.firstName} ${newChild.lastName}`;
      const reason = "Merci d'apporter le livret de famille au Service Enfance-Éducation";

      // The two requests as the dashboard lists them while they are pending.
      const pending = page.getByRole('region', { name: 'Mes démarches en attente' });
      const classCard = pending
        .getByRole('listitem')
        .filter({ has: page.getByRole('heading', { name: "Modification d'un membre de la famille : Léa Martin" }) });
      const childCard = pending.getByRole('listitem').filter({ has: page.getByRole('heading', { name: `Ajout d'un enfant : ${newChildName}` }) });
      let leaPath = '';

      // Two browsers at once: the agent signs in while the parent sends the requests.
      const agent = await staffPage(browser, MOBILE);
      try {
        await Promise.all([
          (async () => {
            // ── The parent: Léa's class (a request) and allergies (at once). ──
            await goto(page, `${COMMUNE}/connexion`);
            await signIn(page, PARENT.identifier, PARENT.password);
            expect(pathOf(page)).toBe(`${COMMUNE}/tableau-de-bord`);
            expect(await title(page)).toBe('Bonjour Claire Martin');

            await follow(page, menu(page).getByRole('link', { name: 'Ma famille' }));
            expect(pathOf(page)).toBe(`${COMMUNE}/famille`);
            expect(await title(page)).toBe('Ma famille');
            await follow(page, page.getByRole('main').getByRole('link', { name: 'Léa Martin', exact: true }));
            leaPath = pathOf(page);
            expect(leaPath).toMatch(new RegExp(`^${COMMUNE}/famille/\\d+$`));
            expect(await title(page)).toBe('Léa Martin');

            const classField = page.getByRole('textbox', { name: /^Classe/ });
            const allergiesField = page.getByRole('textbox', { name: /^Allergies et régime alimentaire/ });
            expect(await classField.inputValue()).toBe('CM1');
            // Each field says what will happen to a change (its hint is its description).
            expect(await classField.getAttribute('aria-describedby')).toBe('hint-schoolLevel');
            expect(await page.locator('#hint-schoolLevel').innerText()).toBe('Envoyé au service pour validation');
            expect(await page.locator('#hint-allergies').innerText()).toBe('Modifié immédiatement');

            await classField.fill('CM2');
            await allergiesField.fill(allergies);
            await follow(page, page.getByRole('button', { name: 'Enregistrer les modifications' }));
            expect(pathOf(page)).toBe(leaPath);
            expect(await flash(page)).toBe(
              'Modifié : allergies et régime alimentaire. Envoyé au service pour validation : classe. Vous recevrez un e-mail à sa décision.',
            );
            // The allergies are in the file already; the class waits for the service, and says so.
            expect(await page.getByRole('textbox', { name: /^Allergies et régime alimentaire/ }).inputValue()).toBe(allergies);
            expect(await page.getByRole('textbox', { name: /^Classe/ }).inputValue()).toBe('CM1');
            expect(await page.locator('#hint-schoolLevel').innerText()).toBe('Envoyé au service pour validation. Demande en attente : « CM2 »');

            // ── The parent asks to add a child. ──
            await follow(page, page.getByRole('main').getByRole('link', { name: 'Ma famille' }));
            expect(pathOf(page)).toBe(`${COMMUNE}/famille`);
            expect(await pendingNotice(page).innerText()).toMatch(/^1 demande en attente de réponse du service\./);
            await follow(page, page.getByRole('main').getByRole('link', { name: 'Ajouter un enfant' }));
            expect(pathOf(page)).toBe(`${COMMUNE}/famille/ajouter-un-enfant`);
            expect(await title(page)).toBe('Ajouter un enfant');
            await page.getByRole('textbox', { name: /^Nom( |$)/ }).fill(newChild.lastName);
            await page.getByRole('textbox', { name: /^Prénom/ }).fill(newChild.firstName);
            await page.getByLabel(/^Date de naissance/).fill(newChild.birthDate);
            await page.getByRole('textbox', { name: /^École/ }).fill(newChild.school);
            await page.getByRole('textbox', { name: /^Classe/ }).fill(newChild.level);
            await follow(page, page.getByRole('button', { name: 'Envoyer la demande' }));
            expect(pathOf(page)).toBe(`${COMMUNE}/famille`);
            expect(await flash(page)).toBe(
              `Votre demande d'ajout de ${newChild.firstName} est envoyée au service. Vous recevrez un e-mail à sa décision.`,
            );
            expect(await pendingNotice(page).innerText()).toMatch(/^2 demandes en attente de réponse du service\./);
            // Not in the family until the service says yes.
            expect(await page.getByRole('main').getByRole('link', { name: newChildName }).count()).toBe(0);
          })(),
          (async () => {
            await goto(agent, `${COMMUNE}/connexion`);
            await signIn(agent, AGENT.identifier, AGENT.password);
            expect(pathOf(agent)).toBe(`${COMMUNE}/admin`);
          })(),
        ]);

        // The dashboard lists both, pending.
        await follow(page, menu(page).getByRole('link', { name: 'Tableau de bord' }));
        expect(await classCard.count()).toBe(1);
        expect(await classCard.innerText()).toContain('Classe : CM1 → CM2');
        expect(await classCard.innerText()).toContain('En attente');
        expect(await childCard.count()).toBe(1);
        expect(await childCard.innerText()).toContain(`Classe : ${newChild.level}`);
        expect(await childCard.innerText()).toContain('En attente');

        // ── The agent, in a browser of their own: accept the class, refuse the child with a reason. ──
        await follow(agent, menu(agent).getByRole('link', { name: 'Demandes' }));
        expect(pathOf(agent)).toBe(`${COMMUNE}/admin/demandes`);
        expect(await title(agent)).toBe('Demandes des familles');

        const cardOf = (heading: RegExp) => agent.locator('li.card').filter({ has: agent.getByRole('heading', { name: heading }) });
        const classRequest = cardOf(/^N° \d+ – Modification d'un membre de la famille : Léa Martin$/).filter({ hasText: 'CM1 → CM2' });
        const childRequest = cardOf(new RegExp(`^N° \\d+ – Ajout d'un enfant : ${newChildName}$`));
        expect(await classRequest.count()).toBe(1);
        expect(await childRequest.count()).toBe(1);
        const idOf = async (card: Locator) => Number((await card.getAttribute('id'))!.replace('demande-', ''));
        const classId = await idOf(classRequest);
        const childId = await idOf(childRequest);

        await agent.getByRole('checkbox', { name: `Choisir la demande n° ${classId}`, exact: true }).check();
        await follow(agent, agent.getByRole('button', { name: 'Accepter les demandes cochées' }));
        expect(pathOf(agent)).toBe(`${COMMUNE}/admin/demandes`);
        expect(await flash(agent)).toBe(`1 demande acceptée : n° ${classId} (Léa Martin). La famille est prévenue par e-mail.`);
        expect(await agent.getByRole('checkbox', { name: `Choisir la demande n° ${classId}`, exact: true }).count()).toBe(0);

        await agent.getByRole('checkbox', { name: `Choisir la demande n° ${childId}`, exact: true }).check();
        await agent.getByRole('textbox', { name: 'Motif du refus' }).fill(reason);
        await follow(agent, agent.getByRole('button', { name: 'Refuser les demandes cochées' }));
        expect(pathOf(agent)).toBe(`${COMMUNE}/admin/demandes`);
        expect(await flash(agent)).toBe(`1 demande refusée : n° ${childId} (${newChildName}). La famille est prévenue par e-mail.`);
        expect(await agent.getByRole('checkbox', { name: `Choisir la demande n° ${childId}`, exact: true }).count()).toBe(0);
      } finally {
        await agent.context().close();
      }

      // ── The parent: one mail per decision, the refusal with its reason. ──
      await goto(page, '/_dev/mails');
      const toParent = page.getByRole('row').filter({ has: page.getByRole('cell', { name: PARENT.email, exact: true }) });
      expect(await toParent.getByRole('link', { name: 'Votre demande est acceptée' }).count()).toBe(1);
      await follow(page, toParent.getByRole('link', { name: 'Votre demande est refusée' }).first());
      const mailBody = await page.locator('.mail-body').innerText();
      expect(mailBody).toContain(`(ajout d'un enfant : ${newChildName}) a été refusée par le Service Enfance-Éducation.`);
      expect(mailBody).toContain(`Motif : ${reason}`);

      // ── The dashboard: nothing of it is pending any more. ──
      await goto(page, `${COMMUNE}/tableau-de-bord`);
      expect(await pending.count()).toBe(1);
      expect(await classCard.count()).toBe(0);
      expect(await childCard.count()).toBe(0);

      // ── « Historique » → « Démarches »: one accepted, one refused with the reason. ──
      await follow(page, menu(page).getByRole('link', { name: 'Historique' }));
      expect(pathOf(page)).toBe(`${COMMUNE}/historique`);
      await follow(page, page.getByRole('navigation', { name: "Que consulter dans l'historique" }).getByRole('link', { name: 'Démarches' }));
      expect(new URL(page.url()).searchParams.get('vue')).toBe('demarches');
      const requests = page.getByRole('region', { name: /démarches envoyées ou traitées/ }).getByRole('row');
      const classRow = requests.filter({ hasText: "Modification d'un membre de la famille : Léa Martin" }).filter({ hasText: 'Classe : CM1 → CM2' });
      const childRow = requests.filter({ hasText: `Ajout d'un enfant : ${newChildName}` });
      expect(await classRow.count()).toBe(1);
      expect(await classRow.getByRole('cell').nth(2).innerText()).toMatch(new RegExp(`^Acceptée le ${DAY_IN_WORDS}$`));
      expect(await childRow.count()).toBe(1);
      const refusedCell = (await childRow.getByRole('cell').nth(2).innerText()).replace(/\s+/g, ' ');
      expect(refusedCell).toMatch(new RegExp(`^Refusée le ${DAY_IN_WORDS} Motif : `));
      expect(refusedCell).toContain(`Motif : ${reason}`);

      // ── The family file: Léa is in CM2, no request pending, and no new child. ──
      await follow(page, menu(page).getByRole('link', { name: 'Ma famille' }));
      expect(await pendingNotice(page).count()).toBe(0);
      expect(await page.getByRole('main').getByRole('link', { name: newChildName }).count()).toBe(0);
      const leaCard = page.getByRole('main').getByRole('listitem').filter({ has: page.getByRole('link', { name: 'Léa Martin', exact: true }) });
      expect(await leaCard.innerText()).toContain('École Jean-Jaurès, CM2');
      await follow(page, leaCard.getByRole('link', { name: 'Léa Martin', exact: true }));
      expect(pathOf(page)).toBe(leaPath);
      expect(await page.getByRole('textbox', { name: /^Classe/ }).inputValue()).toBe('CM2');
      expect(await page.locator('#hint-schoolLevel').innerText()).toBe('Envoyé au service pour validation');
      expect(await page.getByRole('textbox', { name: /^Allergies et régime alimentaire/ }).inputValue()).toBe(allergies);
    });
  });
});
