/**
 * How a vector is kept in an embedding entry, and given back.
 * @module
 */
import type { EmbeddingEntry } from './entry.js';

/** The entry fields of `embedding` as served: a base64 string kept as is, numbers as base64 of their float64 bytes (exact). */
export function packVector(embedding: number[] | string): Pick<EmbeddingEntry, 'vector' | 'format'> {
  if (typeof embedding === 'string') return { vector: embedding, format: 'base64' };
  const floats = Float64Array.from(embedding);
  return { vector: Buffer.from(floats.buffer, floats.byteOffset, floats.byteLength).toString('base64'), format: 'f64' };
}

/** The vector of an entry as it was served: the same string, or the same numbers (a fresh array). */
export function unpackVector(entry: Pick<EmbeddingEntry, 'vector' | 'format'>): number[] | string {
  if (entry.format === 'base64') return entry.vector;
  const bytes = Buffer.from(entry.vector, 'base64');
  const out = new Array<number>(bytes.byteLength / 8);
  for (let i = 0; i < out.length; i++) out[i] = bytes.readDoubleLE(i * 8);
  return out;
}

/**
 * The JSON of an embedding entry: `JSON.stringify(entry)`, written without scanning the vector when
 * it is our own base64 (`f64`: no character to escape), which costs more than parsing it back.
 */
export function embeddingEntryJson(entry: EmbeddingEntry): string {
  // Stryker disable next-line ConditionalExpression,StringLiteral: JSON.stringify writes the same text; the f64 path only skips scanning the vector
  if (entry.format !== 'f64') return JSON.stringify(entry);
  const { vector, ...rest } = entry;
  return `${JSON.stringify(rest).slice(0, -1)},"vector":"${vector}"}`;
}
