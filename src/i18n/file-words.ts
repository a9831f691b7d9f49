/** Sizes of files in French: « 850 Ko », « 3,2 Mo », « 50 Mo » (1 Mo = 1 024 Ko, as the 5 Mo limit of uploads). */

const KB = 1024;
const MB = 1024 * 1024;
const oneDecimal = new Intl.NumberFormat('fr-FR', { maximumFractionDigits: 1 });

/** The number and unit a size is said with; under 1 Ko a file still weighs « 1 Ko ». */
function sizeParts(bytes: number): { value: number; unit: 'Ko' | 'Mo' } {
  if (bytes < MB) return { value: bytes === 0 ? 0 : Math.max(1, Math.round(bytes / KB)), unit: 'Ko' };
  return { value: Math.round((bytes / MB) * 10) / 10, unit: 'Mo' };
}

/** « 850 Ko », « 3,2 Mo » */
export function formatFileSize(bytes: number): string {
  if (bytes === 0) return '0\u00a0Mo';
  const { value, unit } = sizeParts(bytes);
  return `${oneDecimal.format(value)}\u00a0${unit}`;
}

/** « 3,2 Mo utilisés sur 50 Mo », « 0 Mo utilisé sur 50 Mo » (French: singular below 2). */
export function formatSpaceUsed(usedBytes: number, quotaBytes: number): string {
  const value = usedBytes === 0 ? 0 : sizeParts(usedBytes).value;
  return `${formatFileSize(usedBytes)} ${value < 2 ? 'utilisé' : 'utilisés'} sur ${formatFileSize(quotaBytes)}`;
}

/** The detected type of a stored file, as people name it. */
export const FILE_KIND_LABELS: Record<'application/pdf' | 'image/jpeg' | 'image/png', string> = {
  'application/pdf': 'PDF',
  'image/jpeg': 'Image JPEG',
  'image/png': 'Image PNG',
};
