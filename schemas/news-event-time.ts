/**
 * A news item's event time: when it was published, but never after it was fetched. A
 * publisher's date ahead of the fetch (a wrong zone, a scheduled post) is clamped to the fetch:
 * otherwise one item would move the signals watermark into the future, every later input
 * would count as late, and the broker would refuse its Kafka timestamp (an hour ahead at most).
 */
export function newsEventTime(publishedAt: number | null, fetchedAt: number): number {
  return publishedAt === null ? fetchedAt : Math.min(publishedAt, fetchedAt);
}
