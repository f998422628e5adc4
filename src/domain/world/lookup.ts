const normalize = (text: string) =>
  text
    .toLowerCase()
    .replace(/^(the|a|an)\s+/, '')
    .trim();

/**
 * Finds what a player means by a name: exact id or name first, then a name that starts with or
 * contains the words typed ("elder" → Elder Zorathian, "dagger" → rusty dagger).
 */
export function findByName<T extends { id: string; name: string }>(
  candidates: readonly T[],
  typed: string,
): T | undefined {
  const wanted = normalize(typed);
  if (!wanted) return undefined;
  return (
    candidates.find((c) => c.id === wanted || normalize(c.name) === wanted) ??
    candidates.find((c) => normalize(c.name).startsWith(wanted)) ??
    candidates.find((c) => normalize(c.name).split(/\s+/).includes(wanted)) ??
    candidates.find((c) => normalize(c.name).includes(wanted))
  );
}
