/** One problem a tool reported, before it becomes a finding. `file` as the tool printed it. */
export interface Diagnostic {
  file?: string
  /** 1-based. */
  line?: number
  col?: number
  rule?: string
  /** `note` is context for the diagnostic before it (mypy, gcc) and becomes no finding. */
  severity?: 'error' | 'warn' | 'note'
  message: string
}

/** A tool's severity word → ours: error/fatal/failure → error; warning/info/convention/refactor → warn; note/hint → note. */
export function severityOf(word: string | undefined): Diagnostic['severity'] {
  if (word === undefined || word === '') return undefined
  const w = word.toLowerCase()
  if (/^(e|f|err|error|fatal|fatal error|failure|critical|high|blocker)$/.test(w)) return 'error'
  if (/^(note|none|hint|debug)$/.test(w)) return 'note'
  return 'warn'
}
