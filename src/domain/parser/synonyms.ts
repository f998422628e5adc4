/**
 * The plain words players use for things a world names otherwise ("fetch me that stick" for the oak
 * quarterstaff): each word, and words one of which a thing's name has (or ends with) for it to be meant.
 */
const SENSES: Readonly<Record<string, readonly string[]>> = {
  stick: ['staff', 'club', 'cudgel', 'branch'],
  pole: ['staff'],
  rod: ['staff'],
  knife: ['dagger'],
  blade: ['dagger', 'sword', 'shortsword'],
  sword: ['blade', 'shortsword'],
  axe: ['hatchet'],
  lamp: ['lantern', 'candle'],
  light: ['lantern', 'candle', 'torch'],
  armour: ['jerkin', 'chainmail', 'mail'],
  armor: ['jerkin', 'chainmail', 'mail'],
  vest: ['jerkin'],
  coat: ['jerkin'],
  mail: ['chainmail'],
  pail: ['bucket'],
  bottle: ['potion', 'flask'],
  vial: ['potion'],
  flask: ['potion'],
  food: ['bread', 'ration'],
  loaf: ['bread'],
  ring: ['oath-ring'],
  purse: ['pouch'],
  fur: ['pelt'],
  skin: ['pelt'],
  pelt: ['fur'],
  flower: ['moonpetal'],
  paper: ['scroll'],
  note: ['scroll'],
};

/** The one name among `names` the typed word means by sense, or undefined (none, or several). */
export function nameBySense(typed: string, names: readonly string[]): string | undefined {
  const word = typed.toLowerCase().split(/\s+/).at(-1) ?? '';
  const senses = SENSES[word];
  if (!senses) return undefined;
  const meant = names.filter((name) =>
    name
      .toLowerCase()
      .split(/\s+/)
      .some((part) => senses.some((sense) => part === sense || part.endsWith(sense))),
  );
  return meant.length === 1 ? meant[0] : undefined;
}
