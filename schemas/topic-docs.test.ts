import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { TOPIC_IDS, TOPICS, valueSchema } from './catalog.ts';
import { renderTopicDocs, TOPIC_DOCS } from './topic-docs.ts';

describe('docs/topics.md', () => {
  it('is up to date with the catalog and the schemas (run: npx ops-pipeline topics docs)', () => {
    expect(readFileSync(TOPIC_DOCS, 'utf8')).toBe(renderTopicDocs());
  });

  it('documents every topic and every field', () => {
    const docs = renderTopicDocs();
    for (const id of TOPIC_IDS) {
      expect(docs).toContain(`## \`${TOPICS[id].base}\``);
      for (const f of valueSchema(id).fields) expect(docs).toContain(`| \`${f.name}\` |`);
    }
  });
});
