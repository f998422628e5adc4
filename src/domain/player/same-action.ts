/**
 * Whether two actions ask for the same thing: equal fields, whatever their order (a store may hand
 * stored JSON back with its keys reordered, as PostgreSQL's jsonb does).
 */
export function sameAction(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const keysOf = (value: object) =>
    Object.entries(value)
      .filter(([, field]) => field !== undefined)
      .map(([key]) => key);
  const aKeys = keysOf(a);
  const bKeys = keysOf(b);
  if (aKeys.length !== bKeys.length) return false;
  return aKeys.every(
    (key) =>
      Object.hasOwn(b, key) &&
      sameAction((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key]),
  );
}
