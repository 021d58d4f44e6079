/** The value at quantile `q` (0.5 the median, 0.99 the p99) of values sorted ascending; NaN for none. */
export function percentile (sorted: ArrayLike<number>, q: number): number {
  if (sorted.length === 0) return NaN
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] as number
}
