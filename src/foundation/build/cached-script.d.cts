/** Where a code cache lives, and which older files beside it `save()` removes. */
export interface CodeCache {
  /** In order of preference: the first that exists is read. */
  files: readonly string[]
  /** Called with each file name in the cache's folder after a write: true removes it. */
  stale?: (name: string) => boolean
}

export type CacheStatus = 'off' | 'hit' | 'miss' | 'rejected'
export type SaveStatus = CacheStatus | 'saved' | 'unwritable'

export interface CachedScript {
  status: CacheStatus
  // biome-ignore lint/complexity/noBannedTypes: the compiled wrapper's parameters are the caller's
  fn: Function
  /** Writes `target` (default the first of `cache.files`) if the cache read is missing, rejected or less preferred. */
  save(target?: string): SaveStatus
}

export declare function compileCached(options: {
  file: string
  params: readonly string[]
  encoding?: 'utf8' | 'latin1'
  cache?: CodeCache
}): CachedScript

export declare function codeCacheDir(packageRoot: string): string

export declare function shortHash(text: string): string
