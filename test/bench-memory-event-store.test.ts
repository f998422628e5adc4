import { MemoryEventStore } from '../bench/memory-event-store.ts';
import { eventStoreContract } from '../src/infrastructure/event-store/event-store.contract.ts';

// The log generator runs the game's code over this store: it must behave as the real ones do.
eventStoreContract({ name: 'bench MemoryEventStore', open: async () => new MemoryEventStore() });
