import { randomBytes } from 'node:crypto';
import { QdrantClient } from '@qdrant/js-client-rest';
import { afterAll, describe, it } from 'vitest';
import { reportSkipped, testServices } from '../testing/services.ts';
import { QdrantSituationStore } from './qdrant-situation-store.ts';
import { situationStoreContract } from './situation-store.contract.ts';

const url = testServices.qdrant.url;
if (url) {
  // A collection of its own per run, so parallel runs on one server never see each other's points.
  const collection = `test_situations_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
  situationStoreContract({
    name: 'Qdrant',
    open: (dimensions) => QdrantSituationStore.open({ url, collection, dimensions }),
  });
  afterAll(async () => {
    await new QdrantClient({ url, checkCompatibility: false }).deleteCollection(collection);
  });
} else {
  describe('SituationStore contract: Qdrant', () => {
    it.skip(`skipped: no Qdrant (set ${testServices.qdrant.variable})`, () => {});
  });
  reportSkipped('Qdrant', testServices.qdrant.variable);
}
