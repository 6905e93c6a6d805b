// A linear scorer over named binary features (issue 14, I14LRN): a logistic-regression weight per
// structural feature by name, and hashed buckets for words and bigrams. Deterministic (FNV-1a
// hashing, fixed feature order) and explainable: the score comes with the features that raised it.

export interface ScorerWeights {
  /** Which feature families the model was trained on ("structural" or "structural+words"). */
  variant: string;
  bias: number;
  /** Weight of each structural feature by name. */
  structural: Record<string, number>;
  /** Number of hash buckets of word and bigram features (0: none). */
  buckets: number;
  /** Weight of each bucket. */
  hashed: number[];
  /** Units scoring at or above this probability are reported. */
  threshold: number;
}

/** FNV-1a 32-bit hash of a feature name, as an unsigned integer. */
export function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** Hashed-feature names carry a family prefix ("w:" word, "b:" bigram); the rest are structural. */
export const isHashed = (feature: string): boolean => feature.startsWith("w:") || feature.startsWith("b:");

export interface Scored {
  /** Probability of an injected order, 0 … 1. */
  score: number;
  /** Features with their weight, largest first. */
  contributions: Array<{ feature: string; weight: number }>;
}

export function scoreFeatures(features: readonly string[], w: ScorerWeights): Scored {
  let z = w.bias;
  const contributions: Scored["contributions"] = [];
  for (const f of features) {
    let weight: number | undefined;
    if (isHashed(f)) weight = w.buckets > 0 ? w.hashed[fnv1a(f) % w.buckets] : undefined;
    else weight = w.structural[f];
    if (weight === undefined) continue;
    z += weight;
    contributions.push({ feature: f, weight });
  }
  contributions.sort((a, b) => b.weight - a.weight || a.feature.localeCompare(b.feature));
  return { score: 1 / (1 + Math.exp(-z)), contributions };
}
