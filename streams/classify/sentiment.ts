/** What the classify processor needs from a sentiment model (the ONNX loader provides it). */
export interface SentimentResult {
  label: 'positive' | 'negative' | 'neutral';
  /** Probability of `label`. */
  score: number;
}

export interface SentimentModel {
  /** Model name and content hash, carried in every classified record. */
  version: string;
  /** Classifies a batch; results in input order. */
  classify(texts: readonly string[]): Promise<SentimentResult[]>;
}
