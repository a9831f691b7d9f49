import fs from 'node:fs';
import path from 'node:path';
import { createRuntime, openDatabase, prepareDatabase, type Runtime } from '../bootstrap.ts';
import { parseEnv } from '../config/env.ts';
import type { EmbeddedServer } from '../data/embedded-postgres.ts';
import { createLogger } from '../logger.ts';
import { runCommand } from './exit.ts';
import { ImportFileRefusedError, reportMessages, type ImportReport } from '../services/family/family-import-service.ts';

/*
 * npm run import:families -- <commune> <fichier.csv>
 * Exit status: 0 every line imported or already there, 1 a line or the file refused, 2 bad usage
 * (unknown commune, missing file).
 */

const USAGE = 'Usage : npm run import:families -- <commune> <fichier.csv>\n  par exemple : npm run import:families -- villennes familles.csv';

const plural = (count: number, one: string, many: string) => `${count} ${count > 1 ? many : one}`;

function summary(report: ImportReport): string {
  return [
    plural(report.createdFamilies, 'famille créée', 'familles créées'),
    plural(report.createdAccounts, 'compte créé', 'comptes créés'),
    `${plural(report.skipped, 'ligne ignorée', 'lignes ignorées')} (déjà importée${report.skipped > 1 ? 's' : ''})`,
    plural(report.errors, 'ligne en erreur', 'lignes en erreur'),
  ].join(', ');
}

async function main(): Promise<number> {
  const [slug, file, ...extra] = process.argv.slice(2);
  if (!slug || !file || extra.length) {
    console.error(USAGE);
    return 2;
  }
  const env = parseEnv(process.env);
  // The report is the output; logs stay quiet unless LOG_LEVEL asks for them.
  const logger = createLogger(process.env.LOG_LEVEL ? env.LOG_LEVEL : 'warn');

  let embedded: EmbeddedServer | undefined;
  let runtime: Runtime | undefined;
  const cleanUp = async () => {
    const [openRuntime, openServer] = [runtime, embedded];
    runtime = undefined;
    embedded = undefined;
    await openRuntime?.close();
    await openServer?.stop().catch((error) => logger.error({ err: error }, 'PostgreSQL stop failed'));
  };
  // Each line is its own transaction: an interruption loses at most the line under way, and a new
  // run skips what is already in.
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      console.error("\nImport interrompu : les lignes déjà importées le restent ; relancez la commande pour importer les suivantes.");
      void cleanUp().finally(() => process.exit(130));
    });
  }

  try {
    if (!env.DATABASE_URL) console.error(`Démarrage de la base PostgreSQL locale (${path.join(env.DATA_DIR, 'postgres')})…`);
    const opened = await openDatabase(env, logger);
    embedded = opened.embedded;
    runtime = createRuntime(opened.connectionString, env, undefined, logger);
    await prepareDatabase(runtime, env, logger);

    const commune = await runtime.services.communes.findBySlug(slug);
    if (!commune) {
      const communes = await runtime.services.communes.listAll();
      console.error(`Commune inconnue : « ${slug} ». Communes servies :`);
      for (const known of communes) console.error(`  ${known.slug}  (${known.name})`);
      return 2;
    }
    if (!fs.existsSync(file) || !fs.statSync(file).isFile()) {
      console.error(`Fichier introuvable : ${path.resolve(file)}`);
      return 2;
    }

    console.log(`Import des familles de ${file} dans ${commune.name} (${commune.slug})`);
    let report: ImportReport;
    try {
      report = await runtime.services.familyImport.importCsv(commune, fs.readFileSync(file));
    } catch (error) {
      if (!(error instanceof ImportFileRefusedError)) throw error;
      console.error("Fichier refusé, rien n'a été importé :");
      for (const problem of error.problems) console.error(`  ${problem}`);
      return 1;
    }

    for (const message of reportMessages(report)) console.log(`  ${message}`);
    console.log(`Résultat : ${summary(report)}.`);

    // Send the activation e-mails now rather than at the next server start.
    let handled = 0;
    for (let batch = await runtime.mailWorker.runOnce(); batch > 0; batch = await runtime.mailWorker.runOnce()) handled += batch;
    if (handled) {
      console.log(
        env.SMTP_URL
          ? `Courriels : ${plural(handled, 'courriel traité', 'courriels traités')} par le serveur SMTP (ceux qu'il a refusés seront retentés par le portail).`
          : `Courriels : SMTP_URL n'est pas défini, ${plural(handled, 'courriel reste lisible', 'courriels restent lisibles')} dans la boîte de développement du portail (/_dev/mails).`,
      );
    }
    return report.errors ? 1 : 0;
  } finally {
    await cleanUp();
  }
}

runCommand(main);
