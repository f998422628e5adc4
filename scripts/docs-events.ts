import { writeFileSync } from 'node:fs';
import { EVENT_DOCS_PATH, renderEventDocs } from '../src/domain/event-docs.ts';

writeFileSync(new URL(`../${EVENT_DOCS_PATH}`, import.meta.url), renderEventDocs());
console.log(`wrote ${EVENT_DOCS_PATH}`);
