import type { FindingInput } from '../finding.ts'

/** The gate's name in findings. */
export const LAYERS_GATE = 'layers'

/** A rule broken by an import: the finding to report, plus the arrow it is about. */
export interface Violation extends FindingInput {
  /** The importing file. */
  from: string
  /** What it must not reach: a file, `package:<name>`, or for a cycle the file the closing import names. */
  target: string
  /** The configured rule's name (forbidden, independent). */
  ruleName?: string
  /** A cycle's files, from its smallest: ['a', 'b'] is a → b → a. */
  cycle?: string[]
}

/** A Violation: the finding plus the arrow it is about. */
export function violation(
  from: string,
  target: string,
  input: FindingInput,
  extra: { ruleName?: string; cycle?: string[] } = {},
): Violation {
  return { ...input, from, target, ...extra }
}
