import { InMemoryVectorMemory } from './in-memory-vector-memory.ts';
import { vectorMemoryContract } from './vector-memory.contract.ts';

vectorMemoryContract({ name: 'in memory', open: async (dimensions) => new InMemoryVectorMemory(dimensions) });
