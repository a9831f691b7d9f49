/**
 * Accounts, end to end: self-registration (« Créer mon espace ») until an agent activates the
 * account, the self-registration form's error summary, and the forgotten-password link by mail.
 * Uses the demo agent of Villennes and martin-paul of Le Mesnil-Saint-Denis (whose password it
 * changes); never martin-claire or voisin, which other e2e files sign in as.
 */
import { randomBytes } from 'node:crypto';
import type { Browser, Locator, Page } from 'playwright-core';
import { describe, expect, inject } from 'vitest';
import { DESKTOP, MOBILE, expectNoAxeViolations, expectNoHorizontalScroll, test } from './support/browser.ts';
import { checkPage, follow, goto, pathOf, signIn, title } from './support/journey.ts';

/** « lundi 30 novembre 2026 à 16h00 »: a deadline said in words, as people say it. */
const DEADLINE_IN_WORDS = /^(lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche) \d{1,2}(?:er)? \S+ \d{4} à \d{2}h\d{2}$/;
const AGENT = { identifier: 'agent@villennes.example.org', password: 'demo-agent-2026' };

/**
 * Opens, in the development mailbox, the newest mail to `to` whose subject starts with `subject`,
 * and returns the link in its body that ends with `pathEnd`.
 */
async function openNewestMail(page: Page, to: string, subject: string, pathEnd: RegExp): Promise<Locator> {
  const startsWithSubject = new RegExp(`^${subject.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`);
  await goto(page, '/_dev/mails');
  const rows = page.getByRole('row').filter({ has: page.getByRole('cell', { name: to, exact: true }) });
  const subjectLink = rows.getByRole('link', { name: startsWithSubject }).first();
  expect(await subjectLink.count(), `a mail « ${subject} » to ${to}`).toBe(1);
  await follow(page, subjectLink);
  expect(await title(page)).toMatch(startsWithSubject);
  expect(await page.getByRole('definition').first().textContent()).toBe(to);
  const link = page.locator('.mail-body').getByRole('link', { name: pathEnd });
  expect(await link.count(), `a link ending ${pathEnd} in the mail`).toBe(1);
  return link;
}

/** Follows a link from a mail, with a real click: PUBLIC_URL is the app under test. */
async function followMailLink(page: Page, link: Locator, expectedPath: RegExp): Promise<void> {
  const href = new URL((await link.getAttribute('href'))!);
  expect(href.pathname).toMatch(expectedPath);
  expect(href.origin).toBe(new URL(inject('baseUrl')).origin);
  await follow(page, link);
  expect(pathOf(page)).toBe(href.pathname);
}

/** A staff member's own browser: a context of its own, so no cookie is shared with the parent's. */
async function staffPage(browser: Browser, viewport: typeof MOBILE): Promise<Page> {
  const context = await browser.newContext({ baseURL: inject('baseUrl'), viewport, locale: 'fr-FR', timezoneId: 'Europe/Paris' });
  const page = await context.newPage();
  return page;
}

/** Letters only, so that the name still reads as a name: « Lambert-Kqzv ». */
function uniqueSuffix(): string {
  return [...randomBytes(4)].map((byte, index) => String.fromCharCode((index ? 97 : 65) + (byte % 26))).join('');
}

// The journeys touch different accounts and communes: they run side by side, to keep the run short.
describe.concurrent('accounts', () => {
  describe('at 360×740', () => {
    test.override('viewport', MOBILE);

    test('a person asks for an account, is refused until an agent activates it, then signs in', async ({ page, browser }) => {
      const suffix = uniqueSuffix();
      const person = {
        firstName: 'Inès',
        lastName: `Lambert-${suffix}`,
        // Unique per run, and of an ordinary length: on the receipt page a long address without a
        // hyphen (e.g. christophe.vandenberghe1978@laposte.net) does not wrap and overflows at 360 px.
        email: `ines.${suffix.toLowerCase()}${Date.now().toString(36).slice(-4)}@exemple.fr`,
        password: 'des tulipes au bord de la Seine',
      };
      const fullName = `${person.firstName} ${person.lastName}`;

      await goto(page, '/villennes');
      await follow(page, page.getByRole('main').getByRole('link', { name: 'Créer mon espace' }));
      expect(pathOf(page)).toBe('/villennes/creer-mon-espace');
      expect(await title(page)).toBe('Créer mon espace');

      await page.getByRole('radio', { name: 'Madame' }).check();
      await page.getByLabel(/^Nom usuel/).fill(person.lastName);
      await page.getByLabel(/^Nom de naissance/).fill('Moreau');
      await page.getByLabel(/^Prénom/).fill(person.firstName);
      await page.getByLabel(/^Date de naissance/).fill('1988-05-21');
      await page.getByLabel(/^Pays de naissance/).fill('France');
      await page.getByLabel(/^Département de naissance/).fill('Yvelines');
      await page.getByLabel(/^Commune de naissance/).fill('Poissy');
      await page.getByLabel(/^Adresse$/).fill('12 rue de la Gare');
      await page.getByLabel(/^Code postal/).fill('78670');
      await page.getByLabel(/^Ville/).fill('Villennes-sur-Seine');
      await page.getByRole('textbox', { name: /^Téléphone/ }).fill('06 11 22 33 44');
      await page.getByLabel(/^Adresse e-mail/).fill(person.email);
      await page.getByRole('radio', { name: 'E-mail' }).check();
      await page.getByLabel(/^Mot de passe/).fill(person.password);
      await page.getByLabel(/^Confirmez le mot de passe/).fill(person.password);
      await follow(page, page.getByRole('button', { name: 'Créer mon espace' }));

      expect(pathOf(page)).toBe('/villennes/creer-mon-espace/demande-envoyee');
      expect(await title(page)).toBe('Votre demande est envoyée');
      const deadline = await page.locator('.deadline').innerText();
      expect(deadline).toMatch(DEADLINE_IN_WORDS);

      // Two people, two browsers, at the same time: the person tries to sign in before the activation
      // (refused, with the same deadline) while the agent signs in and opens the requests.
      const agent = await staffPage(browser, MOBILE);
      try {
        await Promise.all([
          (async () => {
            await goto(page, '/villennes/connexion');
            await signIn(page, person.email, person.password);
            expect(pathOf(page)).toBe('/villennes/connexion');
            const summary = page.getByRole('alert');
            expect(await summary.getByRole('heading', { name: 'Il y a un problème' }).isVisible()).toBe(true);
            expect(await summary.innerText()).toContain(`au plus tard le ${deadline}`);
            expect(await page.getByLabel(/^Identifiant/).inputValue()).toBe(person.email);
          })(),
          (async () => {
            await goto(agent, '/villennes/connexion');
            await signIn(agent, AGENT.identifier, AGENT.password);
            expect(pathOf(agent)).toBe('/villennes/admin');
            const nav = agent.getByRole('navigation', { name: 'Menu principal' });
            await follow(agent, nav.getByRole('link', { name: 'Comptes à activer' }));
            expect(pathOf(agent)).toBe('/villennes/admin/comptes-a-activer');
            expect(await title(agent)).toBe('Comptes à activer');
          })(),
        ]);

        // Once the refusal is seen, the agent activates the account.
        const box = agent.getByRole('checkbox', { name: fullName, exact: true });
        await box.check();
        expect(await box.isChecked()).toBe(true);
        await follow(agent, agent.getByRole('button', { name: 'Activer les comptes cochés' }));
        expect(pathOf(agent)).toBe('/villennes/admin/comptes-a-activer');
        expect(await agent.getByRole('status').innerText()).toBe(`Activé : ${fullName}. Un e-mail a été envoyé.`);
        expect(await agent.getByRole('checkbox', { name: fullName, exact: true }).count()).toBe(0);
      } finally {
        await agent.context().close();
      }

      // Back in the person's browser: the mail, its link, and at last the dashboard.
      const link = await openNewestMail(page, person.email, 'Votre espace est activé', /\/villennes\/connexion$/);
      await followMailLink(page, link, /^\/villennes\/connexion$/);
      await signIn(page, person.email, person.password);
      expect(pathOf(page)).toBe('/villennes/tableau-de-bord');
      expect(await title(page)).toBe(`Bonjour ${fullName}`);
    });

    test('a first bad submission lists the problems, links them to the fields and keeps what was typed', async ({ page }) => {
      await goto(page, '/villennes/creer-mon-espace');
      await page.getByLabel(/^Prénom/).fill('Jules');
      await page.getByLabel(/^Ville/).fill('Villennes-sur-Seine');
      await page.getByLabel(/^Adresse e-mail/).fill('jules.durand@exemple.fr');
      await page.getByLabel(/^Mot de passe/).fill('court');
      await page.getByLabel(/^Confirmez le mot de passe/).fill('court');
      await follow(page, page.getByRole('button', { name: 'Créer mon espace' }));

      expect(pathOf(page)).toBe('/villennes/creer-mon-espace');
      expect(await page.title()).toMatch(/^Erreur : /);
      const summary = page.getByRole('alert');
      expect(await summary.getByRole('heading', { name: 'Il y a un problème' }).isVisible()).toBe(true);
      const messages = (await summary.getByRole('link').allInnerTexts()).map((text) => text.trim());
      expect(messages).toContain('Indiquez votre civilité');
      expect(messages).toContain('Saisissez votre nom');

      // What was typed is still there; the passwords are not sent back, by design.
      expect(await page.getByLabel(/^Prénom/).inputValue()).toBe('Jules');
      expect(await page.getByLabel(/^Ville/).inputValue()).toBe('Villennes-sur-Seine');
      expect(await page.getByLabel(/^Adresse e-mail/).inputValue()).toBe('jules.durand@exemple.fr');
      expect(await page.getByLabel(/^Mot de passe/).inputValue()).toBe('');

      // Each summary link leads to its field and puts the focus there.
      const first = summary.getByRole('link').first();
      const target = (await first.getAttribute('href'))!;
      expect(target).toMatch(/^#field-/);
      await first.click();
      await page.waitForFunction((id) => document.activeElement?.id === id, target.slice(1), { timeout: 2_000 });
      expect(await page.evaluate(() => document.activeElement?.id)).toBe(target.slice(1));
      const nameLink = summary.getByRole('link', { name: 'Saisissez votre nom' });
      await nameLink.click();
      await page.waitForFunction(() => document.activeElement?.id === 'field-nomUsage', undefined, { timeout: 2_000 });
      expect(await page.getByLabel(/^Nom usuel/).evaluate((input) => input === document.activeElement)).toBe(true);
      // The two jumps within the page are navigations too: one check covers the page as it now is.
      await checkPage(page);
    });
  });

  describe('at 1280×800', () => {
    test.override('viewport', DESKTOP);

    test('a parent who forgot the password gets a link by mail and chooses a new one', async ({ page }) => {
      const newPassword = 'le chat dort sur la pergola';

      await goto(page, '/lemesnilsaintdenis');
      await follow(page, page.getByRole('main').getByRole('link', { name: 'Mot de passe oublié ?' }));
      expect(pathOf(page)).toBe('/lemesnilsaintdenis/mot-de-passe-oublie');
      await page.getByLabel(/^Identifiant ou adresse e-mail/).fill('martin-paul');
      await follow(page, page.getByRole('button', { name: 'Recevoir un lien' }));
      expect(pathOf(page)).toBe('/lemesnilsaintdenis/mot-de-passe-oublie');
      expect(await page.getByRole('status').innerText()).toContain('un e-mail vient de lui être envoyé avec un lien valable une heure');

      const link = await openNewestMail(
        page,
        'parent2@lemesnilsaintdenis.example.org',
        'Réinitialisation de votre mot de passe',
        /\/lemesnilsaintdenis\/mot-de-passe\/[\w-]+$/,
      );
      await followMailLink(page, link, /^\/lemesnilsaintdenis\/mot-de-passe\/[\w-]+$/);
      expect(await title(page)).toBe('Choisir un nouveau mot de passe');
      expect(await page.getByRole('main').innerText()).toContain('Identifiant : martin-paul');
      await page.getByLabel(/^Nouveau mot de passe/).fill(newPassword);
      await page.getByLabel(/^Confirmez le mot de passe/).fill(newPassword);
      await follow(page, page.getByRole('button', { name: 'Enregistrer' }));
      expect(pathOf(page)).toBe('/lemesnilsaintdenis/connexion');
      expect(await page.getByRole('status').innerText()).toContain('Votre nouveau mot de passe est enregistré');

      await signIn(page, 'martin-paul', newPassword);
      expect(pathOf(page)).toBe('/lemesnilsaintdenis/tableau-de-bord');
      expect(await title(page)).toBe('Bonjour Paul Martin');
    });
  });
});
