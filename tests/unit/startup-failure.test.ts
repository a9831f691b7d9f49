import { describe, expect, it } from 'vitest';
import { CommuneFileError } from '../../src/config/commune-file.ts';
import { explainStartupFailure, StartupError } from '../../src/startup-failure.ts';

const context = { port: 3000, host: '127.0.0.1', dataDir: '/srv/espace-famille/.data' };
const withDatabase = { ...context, databaseUrl: 'postgres://famille:s3cret-pw@db.example.org:6543/espace_famille' };
const systemError = (fields: Record<string, unknown>) => Object.assign(new Error(String(fields.message ?? 'boom')), fields);

describe('explainStartupFailure', () => {
  it.each([
    ['a taken port', systemError({ code: 'EADDRINUSE', syscall: 'listen' }), context, /^Le port 3000 est déjà utilisé .* PORT=3001 npm start\.$/],
    ['a privileged port', systemError({ code: 'EACCES', syscall: 'listen' }), context, /^Le port 3000 demande des droits d'administrateur/],
    ['a foreign address', systemError({ code: 'EADDRNOTAVAIL', syscall: 'listen' }), context, /HOST=127\.0\.0\.1 n'appartient pas à cette machine/],
    ['a refused connection', systemError({ code: 'ECONNREFUSED' }), withDatabase, /^La connexion au serveur PostgreSQL de DATABASE_URL \(db\.example\.org:6543\/espace_famille\) est refusée/],
    ['an unknown host', systemError({ code: 'ENOTFOUND' }), withDatabase, /est introuvable : vérifiez le nom d'hôte/],
    ['a wrong password', systemError({ code: '28P01' }), withDatabase, /refuse l'utilisateur ou le mot de passe/],
    ['a missing database', systemError({ code: '3D000' }), withDatabase, /La base de données de DATABASE_URL .* n'existe pas/],
    ['a full disk', systemError({ code: 'ENOSPC', path: '/srv/espace-famille/.data/session-secret' }), context, /^Le disque est plein \(en écrivant \/srv\/espace-famille\/\.data\/session-secret\)/],
    ['an unreadable folder', systemError({ code: 'EACCES', path: '/srv/espace-famille/.data' }), context, /^Accès refusé à \/srv\/espace-famille\/\.data : donnez/],
    ['a file instead of a folder', systemError({ code: 'ENOTDIR', path: '/srv/x/postgres' }), context, /^\/srv\/x\/postgres devrait être un dossier mais c'est un fichier/],
    ['a sentence already written', new StartupError('Phrase déjà écrite.'), context, /^Phrase déjà écrite\.$/],
    ['anything else', new Error('something odd\n    at main (server.ts:1:1)'), context, /^Espace Famille n'a pas pu démarrer : something odd\. Relancez avec LOG_LEVEL=debug/],
  ])('explains %s in one line', (_case, error, ctx, expected) => {
    const sentence = explainStartupFailure(error, ctx);
    expect(sentence).toMatch(expected);
    expect(sentence).not.toContain('\n');
  });

  it('names each broken field of a commune file, one per line', () => {
    const error = new CommuneFileError('echirolles.json: contacts.phones.0.number: numéro attendu au format 04 76 20 63 40');
    expect(explainStartupFailure(error, context)).toBe(
      'Un fichier de commune (seeds/communes) est invalide : corrigez ce qui suit, puis relancez.\nechirolles.json: contacts.phones.0.number: numéro attendu au format 04 76 20 63 40',
    );
  });

  it('never prints the password of DATABASE_URL', () => {
    for (const code of ['ECONNREFUSED', 'ENOTFOUND', 'ETIMEDOUT', '28P01', '3D000', '42501', '53100']) {
      expect(explainStartupFailure(systemError({ code }), withDatabase)).not.toContain('s3cret-pw');
    }
  });
});
