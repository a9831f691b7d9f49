/** `--commune echirolles --families 20000 [--no-invoices] [--allow-production]`, or a sentence saying what is wrong. */
export interface ScaleArguments {
  commune: string;
  families: number;
  invoices: boolean;
  allowProduction: boolean;
}

export function parseScaleArguments(argv: readonly string[]): ScaleArguments | { error: string } {
  const parsed: ScaleArguments = { commune: 'echirolles', families: 20_000, invoices: true, allowProduction: false };
  for (let index = 0; index < argv.length; index += 1) {
    const argument = argv[index]!;
    const [name, inline] = argument.split('=', 2) as [string, string | undefined];
    const value = () => inline ?? argv[(index += 1)];
    if (name === '--commune') {
      const slug = value();
      if (!slug || !/^[a-z0-9-]+$/.test(slug)) return { error: '--commune : le nom court de la commune, par exemple echirolles' };
      parsed.commune = slug;
    } else if (name === '--families') {
      const text = value() ?? '';
      if (!/^\d+$/.test(text) || Number(text) < 1) return { error: '--families : un nombre de familles, par exemple 20000' };
      parsed.families = Number(text);
    } else if (name === '--no-invoices') {
      parsed.invoices = false;
    } else if (name === '--allow-production') {
      parsed.allowProduction = true;
    } else {
      return { error: `option inconnue : ${argument} (options : --commune, --families, --no-invoices, --allow-production)` };
    }
  }
  return parsed;
}
