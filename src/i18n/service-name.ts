/**
 * French articles before the commune's service name: « l'Accueil Éducation » but « le Service
 * Relations à la Population »; « de l' » / « du », « à l' » / « au ».
 */
const elides = (name: string) => /^[aeiouyhàâäéèêëîïôöùûü]/i.test(name.normalize('NFC'));

export function theService(name: string): string {
  return elides(name) ? `l'${name}` : `le ${name}`;
}

export function ofTheService(name: string): string {
  return elides(name) ? `de l'${name}` : `du ${name}`;
}

export function toTheService(name: string): string {
  return elides(name) ? `à l'${name}` : `au ${name}`;
}

export const capitalise = (text: string) => text.charAt(0).toLocaleUpperCase('fr') + text.slice(1);
