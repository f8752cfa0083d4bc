// Arithmetic a BERT-style encoder classifier spends on one headline, so a bench can turn
// headlines/s into GFLOP/s. Counts the matrix products only (2 FLOPs per multiply-add): per
// layer the four attention projections (Q, K, V, output; hidden x hidden each), the
// feed-forward pair (hidden x intermediate, twice), and attention itself (Q.K^T and softmax.V,
// tokens x tokens x hidden each, over all heads together); then the classifier. Norms,
// softmax, GELU and the int8 quantize/rescale steps are elementwise and left out.

export interface ModelShape {
  layers: number;
  hidden: number;
  intermediate: number;
  labels: number;
}

/** The shape from a model's config.json (Hugging Face's key names, which ours uses too). */
export function modelShape(config: Record<string, unknown>): ModelShape {
  const num = (key: string): number => {
    const v = Number(config[key]);
    if (!Number.isInteger(v) || v <= 0) throw new Error(`config.json has no positive integer ${key}`);
    return v;
  };
  const labels = (config.labels ?? config.id2label) as Record<string, string> | undefined;
  return {
    layers: num('num_hidden_layers'),
    hidden: num('hidden_size'),
    intermediate: num('intermediate_size'),
    labels: labels ? Object.keys(labels).length : 3,
  };
}

/** FLOPs of one headline of `tokens` tokens ([CLS] and [SEP] included), run unpadded. */
export function flopsPerHeadline(tokens: number, shape: ModelShape): number {
  const { layers, hidden: h, intermediate: f, labels } = shape;
  const weights = tokens * (4 * h * h + 2 * h * f);
  const attention = 2 * tokens * tokens * h;
  return 2 * (layers * (weights + attention) + h * labels);
}
