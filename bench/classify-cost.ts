// Arithmetic of one headline through the compact model (a BERT encoder, mean pooling, a linear
// classifier), for the classify bench's GFLOP/s. A FLOP is a multiply or an add: 2 per MAC.
// Per token and layer the encoder multiplies by six weight matrices (query, key, value and
// attention output, hidden x hidden; feed-forward in and out, hidden x intermediate); attention
// adds the score product Q·Kᵀ and the context product scores·V, tokens x tokens x hidden each over
// all heads together. Layer norms, softmax, GELU and the embeddings are a few operations per
// value, under 1 % of this, and left out. Counted at the headline's own token count: the padding
// a batch adds is work the model does but not work a headline needs.

export interface EncoderShape {
  hidden: number;
  intermediate: number;
  layers: number;
  labels: number;
}

/** The shape from a model folder's config.json: Hugging Face's field names, else MiniLM's (384 wide, 1,536 feed-forward) with `base_model.layers_kept` layers, as compact-finsent's MODEL_CARD.md describes it. */
export function encoderShape(config: Record<string, unknown>): EncoderShape & { from: string } {
  const base = config.base_model as { layers_kept?: number } | undefined;
  const labels = Object.keys((config.labels ?? config.id2label ?? { 0: 0, 1: 1, 2: 2 }) as object).length;
  if (typeof config.hidden_size === 'number' && typeof config.num_hidden_layers === 'number') {
    return { hidden: config.hidden_size, intermediate: Number(config.intermediate_size ?? 4 * config.hidden_size), layers: config.num_hidden_layers, labels, from: 'config.json' };
  }
  if (typeof base?.layers_kept !== 'number') throw new Error('config.json has neither hidden_size/num_hidden_layers nor base_model.layers_kept: cannot count the model\'s FLOPs');
  return { hidden: 384, intermediate: 1536, layers: base.layers_kept, labels, from: 'MiniLM shape, base_model.layers_kept' };
}

/** FLOPs of one headline of `tokens` tokens (with [CLS] and [SEP]). */
export function headlineFlops(tokens: number, s: EncoderShape): number {
  const weightMacs = tokens * (4 * s.hidden * s.hidden + 2 * s.hidden * s.intermediate);
  const attentionMacs = 2 * tokens * tokens * s.hidden;
  const classifierMacs = s.hidden * s.labels;
  return 2 * (s.layers * (weightMacs + attentionMacs) + classifierMacs);
}
