// How `dlq list` groups records: by the stage, the error class and the message with its
// numbers masked, so "schema id 17 is not in the registry" and "… id 4242 …" are one reason
// while "open = 0 is not a positive price" and "low = -1 …" stay two (they name other fields).

/** Decimal numbers (signed, with fractions and exponents) and long hex runs (ids, hashes) become `N`. */
export function maskNumbers(message: string): string {
  return message
    .replace(/\b[0-9a-f]{16,}\b/gi, 'N')
    .replace(/(?<![\w.])-?\d+(?:\.\d+)?(?:e[+-]?\d+)?(?![\w])/gi, 'N');
}

export interface ReasonOf {
  stage: string;
  errorClass: string;
  errorMessage: string;
}

/** The group a DLQ record counts in, as `dlq list` prints it: `<stage> <class>: <masked message>`. */
export function reasonKey(r: ReasonOf): string {
  return `${r.stage} ${r.errorClass}: ${maskNumbers(r.errorMessage)}`;
}
