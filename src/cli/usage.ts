/** A mistake in how the command was called: exit code 2 and the usage. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export const USAGE = `langomni — LangOmni's tools for analysts and operators

Usage:
  langomni replay [--stream S] [--category C]... [--type T]... [--player P]
                  [--from ISO] [--to ISO] [--after POS] [--until POS]
                  [--limit N] [--format jsonl|csv]
      Writes the matching events to stdout, in global order (JSON lines by default).
      --from is inclusive and --to exclusive (the events' timestamps); --after is
      exclusive and --until inclusive (positions). --category and --type repeat or
      take comma-separated values (e.g. --category player,location). --player takes
      a player id or a username. Each JSON line is {position, revision, id, stream,
      type, data, metadata} (docs/events.md); CSV has correlation_id and causation_id
      columns and the whole metadata as JSON.

  langomni state <player|location|npc> <id> [--position POS | --at ISO]
      Prints what a player, a location or an NPC looked like at that moment (now
      when neither is given), folded from the events with the world content then in force.

  langomni projections status
  langomni projections rebuild <name|all>
  langomni projections pause [name|all]
  langomni projections resume [name|all]
      Read models of a running server, through its admin API.

  langomni help

replay and state read the event store the configuration points at: DATABASE_URL
(PostgreSQL), EVENTSTORE_URL (EventStoreDB), else the embedded database in DATA_DIR
(stop the server first: the embedded database serves one process at a time).
projections talks to the server at LANGOMNI_URL (default http://127.0.0.1:3000)
with ADMIN_TOKEN.

Exit codes: 0 done, 1 failed, 2 wrong usage.
`;
