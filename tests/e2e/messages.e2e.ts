import { describe, expect } from 'vitest';
import { MOBILE, test } from './support/browser.ts';
import { checkPage, follow, goto, pathOf, signIn } from './support/journey.ts';

/*
 * « Écrire au service » at 360 px (issue 13 item 6): a parent writes about a child, an agent finds
 * the thread waiting in the inbox, takes it and answers; the parent sees « Messages (1) » in the
 * navigation and reads the answer as a conversation. Every page visited is checked with axe.
 */
describe('writing to the service at 360×740', () => {
  test.override('viewport', MOBILE);

  test('a parent writes to the service, an agent answers, the parent reads the answer', async ({ page, browser }) => {
    await goto(page, '/lemesnilsaintdenis/connexion');
    await signIn(page, 'martin-claire', 'demo-parent-2026');
    await goto(page, '/lemesnilsaintdenis/contact');
    const subject = await page.locator('#field-objet option').nth(1).getAttribute('value');
    await page.locator('#field-objet').selectOption(subject!);
    const child = page.locator('#field-enfant option').nth(1);
    await page.locator('#field-enfant').selectOption((await child.getAttribute('value'))!);
    await page.getByLabel(/^Votre message/).fill('Bonjour, notre fille sera absente jeudi matin pour un rendez-vous médical. Faut-il annuler son repas ?');
    await follow(page, page.getByRole('button', { name: 'Envoyer le message' }));
    expect(pathOf(page)).toMatch(/^\/lemesnilsaintdenis\/messages\/\d+$/);
    const thread = pathOf(page);
    expect(await page.getByRole('main').textContent()).toContain('rendez-vous médical');

    const agentContext = await browser.newContext({ baseURL: new URL(page.url()).origin, viewport: MOBILE, locale: 'fr-FR', timezoneId: 'Europe/Paris' });
    const agent = await agentContext.newPage();
    try {
      await goto(agent, '/lemesnilsaintdenis/connexion');
      await signIn(agent, 'agent@lemesnilsaintdenis.example.org', 'demo-agent-2026');
      await goto(agent, '/lemesnilsaintdenis/admin/messages');
      await follow(agent, agent.locator(`main a[href="/lemesnilsaintdenis/admin${thread.replace('/lemesnilsaintdenis', '')}"]`).first());
      await follow(agent, agent.getByRole('button', { name: "Me l'attribuer" }));
      await agent.getByLabel(/^Votre réponse/).fill('Bonjour, le repas de jeudi est annulé pour elle. Bonne journée.');
      await follow(agent, agent.getByRole('button', { name: 'Envoyer la réponse' }));
      expect(await agent.getByRole('main').textContent()).toContain('le repas de jeudi est annulé');
    } finally {
      await agentContext.close();
    }

    await goto(page, '/lemesnilsaintdenis/tableau-de-bord');
    const messages = page.getByRole('navigation').getByRole('link', { name: /^Messages/ });
    expect(await messages.count()).toBe(1);
    // The answer waits unread: the count is said in words, not only shown.
    expect(await messages.textContent()).toMatch(/^Messages \(\d+\) : \d+ messages? non lus?$/);
    await follow(page, messages);
    await follow(page, page.locator(`main a[href="${thread}"]`).first());
    const conversation = (await page.getByRole('main').textContent()) ?? '';
    expect(conversation).toContain('rendez-vous médical');
    expect(conversation).toContain('le repas de jeudi est annulé');
    await checkPage(page);
  });
});
