import type { Migration, MigrationProvider } from 'kysely';
import * as eventStore from './0001_event_store.ts';
import * as appendFastPath from './0002_append_fast_path.ts';
import * as projectionState from './0003_projection_state.ts';
import * as commitOrderPositions from './0004_commit_order_positions.ts';
import * as processLeases from './0005_process_leases.ts';
import * as credentials from './0006_credentials.ts';
import * as actionAdoptions from './0007_action_adoptions.ts';

/** Listed explicitly (not read from disk) so the same code runs under tsx and from compiled output. */
const migrations: Record<string, Migration> = {
  '0001_event_store': eventStore,
  '0002_append_fast_path': appendFastPath,
  '0003_projection_state': projectionState,
  '0004_commit_order_positions': commitOrderPositions,
  '0005_process_leases': processLeases,
  '0006_credentials': credentials,
  '0007_action_adoptions': actionAdoptions,
};

export const migrationProvider: MigrationProvider = {
  getMigrations: async () => migrations,
};
