/**
 * Runs `fn` over `items` with at most `limit` calls in flight at once (at least one), each item
 * taken in order as a slot frees; the results in the items' order. A rejection rejects the whole
 * (the calls already started still run to their end).
 */
export async function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const out: R[] = new Array(items.length)
  let next = 0
  const slot = async () => {
    for (let i = next++; i < items.length; i = next++) out[i] = await fn(items[i] as T, i)
  }
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, slot))
  return out
}
