import { createHash } from 'node:crypto';

/**
 * The seed's event_uid: sha256 (hex) of the item's guid, else its link, else its title —
 * the first of them that is present and non-blank, trimmed. A guid is the publisher's own
 * identity for the item; a link is the next most stable; the title is the last resort.
 */
export function eventUid(item: { guid?: string | null; link?: string | null; title?: string | null }): string | null {
  const basis = [item.guid, item.link, item.title].map((v) => v?.trim()).find((v) => v);
  return basis ? createHash('sha256').update(basis, 'utf8').digest('hex') : null;
}
