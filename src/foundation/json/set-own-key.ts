/**
 * `target[key] = value` that also works for the key `__proto__` (which JSON.parse makes an own
 * key): plain assignment would set the object's prototype instead and drop the key.
 */
export function setOwnKey(target: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__')
    Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true })
  else target[key] = value
}
