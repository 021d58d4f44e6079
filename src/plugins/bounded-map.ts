/**
 * Sets `key` in a map that holds at most `max` keys: a new key in a full map first removes the
 * oldest one (a Map iterates in insertion order). Memory stays bounded whatever the callers send,
 * and no caller is ever folded into another's count.
 */
export function setBounded<V> (map: Map<string, V>, key: string, value: V, max: number): void {
  if (map.size >= max && !map.has(key)) {
    const oldest = map.keys().next()
    if (oldest.done !== true) map.delete(oldest.value)
  }
  map.set(key, value)
}
