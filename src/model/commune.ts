import type { CommuneSettings } from '../config/commune-file.ts';

export interface Commune {
  id: number;
  slug: string;
  name: string;
  holidayZone: 'A' | 'B' | 'C';
  settings: CommuneSettings;
}

export interface CommuneSummary {
  slug: string;
  name: string;
  portalName: string;
}
