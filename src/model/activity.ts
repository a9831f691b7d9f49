import type { CommuneFile } from '../config/commune-file.ts';

type ActivityFile = CommuneFile['activities'][number];

export interface Activity {
  id: number;
  communeId: number;
  code: string;
  name: string;
  kind: ActivityFile['kind'];
  days: ActivityFile['days'];
  capacityPerDay: number | null;
  rules: Pick<ActivityFile, 'booking' | 'cancelling' | 'horizon' | 'requiredDocuments' | 'tariff' | 'unit'>;
  active: boolean;
}
