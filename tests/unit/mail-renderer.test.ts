import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Commune } from '../../src/data/commune-repository.ts';
import { mailRenderer } from '../../src/integrations/mail/mail-renderer.ts';

const SRC = path.resolve(import.meta.dirname, '../../src');

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const file = path.join(dir, entry.name);
    return entry.isDirectory() ? sourceFiles(file) : file.endsWith('.ts') ? [file] : [];
  });
}

/** The modules a file imports, as paths relative to src/ (libraries left out). */
function localImports(file: string): string[] {
  const text = fs.readFileSync(file, 'utf8');
  return [...text.matchAll(/(?:import|export)[^'"]*?from\s+['"](\.[^'"]+)['"]/g)].map((match) =>
    path.relative(SRC, path.resolve(path.dirname(file), match[1]!)),
  );
}

const commune = {
  id: 1,
  slug: 'villennes',
  name: 'Villennes-sur-Seine',
  settings: {
    portalName: 'Espace Famille',
    officialName: 'Ville de Villennes-sur-Seine',
    identity: { primaryColour: '#005a9c' },
    contacts: {
      service: 'Accueil Éducation',
      phones: [{ label: 'Accueil', number: '01 39 08 29 00' }],
      email: 'education@villennes.example.org',
      openingHours: [{ days: 'Lundi au vendredi', hours: '8h30-12h' }],
    },
  },
} as unknown as Commune;

describe('the mail renderer', () => {
  it('imports nothing from the web layer, nor does any other integration', () => {
    const offenders = sourceFiles(path.join(SRC, 'integrations')).flatMap((file) =>
      localImports(file)
        .filter((target) => target.startsWith(`web${path.sep}`))
        .map((target) => `${path.relative(SRC, file)} → ${target}`),
    );
    expect(offenders).toEqual([]);
  });

  it('signs the text and the HTML with the commune, through the French filters', () => {
    const mail = mailRenderer('https://portail.example.org').render(commune, {
      kind: 'test',
      to: 'marie@example.org',
      subject: 'Un essai',
      greeting: 'Bonjour Marie Dupont,',
      paragraphs: ['Premier paragraphe.'],
      action: { label: 'Ouvrir', url: 'https://portail.example.org/villennes/connexion' },
    });
    expect(mail.subject).toBe('Un essai – Espace Famille, Ville de Villennes-sur-Seine');
    expect(mail.text).toContain('Bonjour Marie Dupont,\n\nPremier paragraphe.\n\nOuvrir :\nhttps://portail.example.org/villennes/connexion');
    expect(mail.text).toContain("Cordialement,\nL'Accueil Éducation\nVille de Villennes-sur-Seine");
    expect(mail.text).toContain('Accueil : lundi au vendredi, 8h30-12h');
    expect(mail.html).toContain('L&#39;Accueil Éducation<br>Ville de Villennes-sur-Seine');
  });
});
