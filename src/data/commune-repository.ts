import type { CommuneFile, CommuneSettings } from '../config/commune-file.ts';
import type { Executor } from './database.ts';
import type { Commune, CommuneSummary } from '../model/commune.ts';
export type { Commune, CommuneSummary } from '../model/commune.ts';

interface CommuneRow {
  id: number;
  slug: string;
  name: string;
  holiday_zone: 'A' | 'B' | 'C';
  settings: CommuneSettings;
}

const frenchOrder = new Intl.Collator('fr', { sensitivity: 'base' });

const toCommune = (row: CommuneRow): Commune => ({
  id: row.id,
  slug: row.slug,
  name: row.name,
  holidayZone: row.holiday_zone,
  settings: row.settings,
});

export function communeRepository(db: Executor) {
  return {
    async findBySlug(slug: string, executor: Executor = db): Promise<Commune | undefined> {
      const row = await executor<CommuneRow>('communes').where({ slug }).first();
      return row && toCommune(row);
    },

    async listAll(executor: Executor = db): Promise<CommuneSummary[]> {
      const rows = await executor<CommuneRow>('communes').select('slug', 'name', 'settings');
      return rows
        .map((row) => ({ slug: row.slug, name: row.name, portalName: row.settings.portalName }))
        .sort((a, b) => frenchOrder.compare(a.name, b.name));
    },

    /** Inserts or updates by slug; returns the commune id. */
    async upsertFromFile(file: CommuneFile, executor: Executor = db): Promise<number> {
      const { slug, name, ...settings } = file;
      const [row] = await executor('communes')
        .insert({ slug, name, holiday_zone: file.holidayZone, settings: JSON.stringify(settings) })
        .onConflict('slug')
        .merge({
          name,
          holiday_zone: file.holidayZone,
          settings: JSON.stringify(settings),
          updated_at: executor.fn.now(),
        })
        .returning<{ id: number }[]>('id');
      if (!row) throw new Error(`upsert of commune ${slug} returned nothing`);
      return row.id;
    },
  };
}

export type CommuneRepository = ReturnType<typeof communeRepository>;
