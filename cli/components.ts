// The runnable pipeline components (`ops-pipeline run <name>`): the single list that the
// CLI, docker-compose.yml and the docs follow. A compose test keeps them in step.

export interface Component {
  name: string;
  description: string;
}

export const COMPONENTS: readonly Component[] = [
  { name: 'rss', description: 'RSS/Atom feeds into news.raw and feeds.state' },
  { name: 'candles', description: 'Yahoo Finance bars into market.candles' },
  { name: 'classify', description: 'news.raw into news.classified: sentiment, tickers, event type, urgency' },
  { name: 'signals', description: 'news.classified + market.candles into signals, in event time' },
  { name: 'sink', description: 'every topic into its PostgreSQL table' },
  { name: 'executor', description: 'paper execution of PENDING signals (status updates to signals)' },
];
