// The contract of one secrets rule, apart from the rule list (secret-rules.ts) so rules defined in
// their own files (generic-secret-rule.ts) need not import the list that includes them.

/** Settings a rule's detector reads. */
export interface DetectOptions {
  entropyThreshold: number
  minLength: number
  /** Bare (unquoted) assignment values count: config files, not code. */
  bareValues: boolean
}

/** A secret found on a line: where it starts (offset in the line) and its text. */
export interface LineHit {
  index: number
  secret: string
}

/** A detection rule: its prefilter keywords (lowercase) and a detector over one line. */
export interface SecretRule {
  id: string
  description: string
  /** Lowercase literals; one must occur (any case) for the rule to run there. */
  keywords: readonly string[]
  /**
   * `line` (default): `detect` runs once per line holding a keyword, over [from, to).
   * `hit`: it runs for every keyword hit, `at` being the hit's offset (cheap, anchored work).
   */
  scope?: 'line' | 'hit'
  detect(text: string, from: number, to: number, options: DetectOptions, at: number): LineHit[]
  /**
   * A byte-level test run on the raw file before anything is decoded: true when the keyword
   * ending at `end` cannot start a hit of this rule (most `token`s are in `tokenizer.encode(`).
   */
  skipAt?(bytes: Uint8Array, end: number, options: DetectOptions): boolean
  /** The reason a hit is not a secret, or undefined. */
  reject?(secret: string, options: DetectOptions): string | undefined
}
