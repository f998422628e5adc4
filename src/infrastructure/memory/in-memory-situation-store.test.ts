import { InMemorySituationStore } from './in-memory-situation-store.ts';
import { situationStoreContract } from './situation-store.contract.ts';

situationStoreContract({
  name: 'in memory',
  open: async (dimensions) => new InMemorySituationStore(dimensions),
});
