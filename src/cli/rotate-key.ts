import { parseEnv } from '../config/env.ts';
import { migrateToLatest } from '../data/database.ts';
import { generateKeyText } from '../integrations/data-cipher.ts';
import { createLogger } from '../logger.ts';
import { runCommand } from './exit.ts';
import { withRuntime } from './with-runtime.ts';

/*
 * npm run rotate-key — re-encrypts every stored IBAN with the current key (DATA_ENCRYPTION_KEY),
 * reading the older ones with DATA_ENCRYPTION_OLD_KEYS (README « Bank details »). Safe to run again,
 * and beside running portals (rows are locked a batch at a time). IBANs still in clear are encrypted
 * on the way. `npm run rotate-key -- --new-key` only prints a new random key.
 * Exit status: 0 every IBAN is under the current key, 1 some could not be read (left as they were),
 * 2 bad usage.
 */

const USAGE = 'Usage : npm run rotate-key            (rechiffre les IBAN avec DATA_ENCRYPTION_KEY)\n        npm run rotate-key -- --new-key (affiche une nouvelle clé, sans rien modifier)';

async function main(): Promise<number> {
  const args = process.argv.slice(2);
  if (args.length === 1 && args[0] === '--new-key') {
    console.log(generateKeyText());
    return 0;
  }
  if (args.length) {
    console.error(USAGE);
    return 2;
  }
  const env = parseEnv(process.env);
  const logger = createLogger(env.LOG_LEVEL === 'info' ? 'warn' : env.LOG_LEVEL);
  return withRuntime(env, logger, async (runtime) => {
    await migrateToLatest(runtime.db);
    const { bankDetails } = runtime.services;
    const clear = await bankDetails.encryptClearIbans();
    const report = await bankDetails.reencrypt();
    console.log(`Clé actuelle : ${bankDetails.currentKeyId}. IBAN rechiffrés avec elle : ${report.reencrypted}${clear ? ` ; IBAN encore en clair, chiffrés : ${clear}` : ''}.`);
    if (report.unreadable.length) {
      const ids = report.unreadable.map((row) => row.mandateId).join(', ');
      console.error(
        `${report.unreadable.length} IBAN illisibles avec les clés données, laissés tels quels (mandats n° ${ids}) : ajoutez leur clé à DATA_ENCRYPTION_OLD_KEYS et relancez la commande.`,
      );
      return 1;
    }
    console.log('Plus aucun IBAN ne dépend des anciennes clés : retirez-les de DATA_ENCRYPTION_OLD_KEYS, puis redémarrez le portail.');
    return 0;
  });
}

runCommand(main);
