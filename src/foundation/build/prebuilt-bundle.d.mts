/** The repository root. */
export declare const ROOT: string

export interface BundleState {
  fresh: boolean
  reason: string
}

export interface PrebuiltBundle {
  dir: string
  output(name: string): string
  state(): BundleState
  build(): Promise<{ dir: string; inputs: number }>
}

export declare function prebuiltBundle(options: {
  dir: string
  entries: Record<string, string>
  splitting?: boolean
  sourceUrls?: boolean
  bundled?: readonly string[]
  codeCached?: readonly string[]
  /** Files the bundle's code reads at run time (repo-relative): the stamp covers them as sources. */
  data?: readonly string[]
  /** name → a regular expression's source: the stamp's `digests[name]`, sha256 over the matching inputs. */
  digests?: Record<string, string>
}): PrebuiltBundle

/** Runs a `codeCached` entry's built file through V8's code cache, with `meta` as its `import.meta` (its `resolve`). */
export declare function runCodeCached(
  file: string,
  meta: { resolve(specifier: string): string },
  options?: { useCache?: boolean },
): void
