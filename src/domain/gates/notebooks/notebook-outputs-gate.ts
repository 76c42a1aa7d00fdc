import { globMatcher } from '../../../foundation/fs/glob.ts'
import { isBinary, readRepoFile } from '../../../foundation/fs/text-file.ts'
import type { EventMeta } from '../../../ledger/ledger-meta.ts'
import { type Finding, makeFinding } from '../finding.ts'
import type { CacheInputs, Gate, ScanResult } from '../gate.ts'
import { formatBytes } from '../large-files/large-files.ts'
import { NOTEBOOK_OUTPUTS_DEFAULTS, type NotebookOutputsConfig } from './notebook-outputs-config.ts'
import { notebookOutputsKey } from './notebook-outputs-key.ts'
import { isNotebookPath } from './notebook-path.ts'
import { type Notebook, NotebookFormatError, readNotebook } from './read-notebook.ts'

export { NOTEBOOK_OUTPUTS_DEFAULTS, type NotebookOutputsConfig }

/** `Gate`'s shape over this gate's settings: `Gate<'notebook-outputs'>` once the gate is registered. */
export interface NotebookOutputsGate extends Pick<Gate, 'description'> {
  name: 'notebook-outputs'
  skipReason(root: string, files: readonly string[], config: NotebookOutputsConfig): string | undefined
  cacheInputs(root: string, files: readonly string[], config: NotebookOutputsConfig): CacheInputs
  scan(root: string, files: readonly string[], config: NotebookOutputsConfig): ScanResult
}

/** What one notebook holds that nbstripout would remove. */
export interface NotebookOutputsSummary {
  codeCells: number
  /** Cells with outputs, except those marked to keep them (`keep_output`, `init_cell`). */
  cellsWithOutputs: { cell: number; jsonLine: number; outputs: number; chars: number }[]
  /** Code cells and outputs with a non-null execution count. */
  executionCounts: { cell: number; jsonLine: number; count: number }[]
  images: { cell: number; output: number; mime: string; bytes: number }[]
}

/**
 * nbstripout's rule as a check: committed notebooks carry no outputs and no execution counts
 * (cells marked `keep_output`/`init_cell`, or a notebook with `metadata.keep_output`, keep theirs),
 * with the size of every embedded image in the report.
 */
export function summarizeNotebookOutputs(notebook: Notebook): NotebookOutputsSummary {
  const summary: NotebookOutputsSummary = { codeCells: 0, cellsWithOutputs: [], executionCounts: [], images: [] }
  for (const cell of notebook.cells) {
    if (cell.type === 'code') summary.codeCells++
    const count = cell.executionCount ?? cell.outputs.find((o) => o.executionCount !== null)?.executionCount ?? null
    if (count !== null) summary.executionCounts.push({ cell: cell.index, jsonLine: cell.jsonLine, count })
    for (const output of cell.outputs) {
      for (const image of output.images) summary.images.push({ cell: cell.index, output: output.index, ...image })
    }
    if (cell.outputs.length > 0 && !cell.keepOutput && !notebook.keepOutput) {
      summary.cellsWithOutputs.push({
        cell: cell.index,
        jsonLine: cell.jsonLine,
        outputs: cell.outputs.length,
        chars: cell.outputs.reduce((n, o) => n + o.chars, 0),
      })
    }
  }
  return summary
}

/** The gate over files: one finding per notebook and rule, image sizes as an event per notebook. */
export function scanNotebookOutputs(root: string, files: readonly string[], config: NotebookOutputsConfig): ScanResult {
  const allowed = globMatcher(config.allow)
  const findings: Finding[] = []
  const events: EventMeta[] = []
  for (const file of files.filter(isNotebookPath)) {
    const bytes = readRepoFile(root, file)
    if (!bytes || isBinary(bytes)) continue
    let notebook: Notebook
    try {
      notebook = readNotebook(bytes.toString('utf8'))
    } catch (error) {
      if (!(error instanceof NotebookFormatError)) throw error
      findings.push(formatFinding(file, error.message))
      continue
    }
    const summary = summarizeNotebookOutputs(notebook)
    if (summary.images.length > 0) {
      const total = summary.images.reduce((n, i) => n + i.bytes, 0)
      events.push({
        role: 'tool',
        level: 'info',
        message: `notebook-outputs: ${file} embeds ${plural(summary.images.length, 'image')} (${formatBytes(total)})`,
        data: { file, images: summary.images },
      })
    }
    if (allowed(file)) continue
    findings.push(...outputFindings(file, summary, config))
  }
  return { findings, events }
}

export const notebookOutputsGate: NotebookOutputsGate = {
  name: 'notebook-outputs',
  description: 'committed notebooks carry no outputs or execution counts (nbstripout), with embedded image sizes',
  ...notebookOutputsKey,
  scan: scanNotebookOutputs,
}

// --- internal ---

const GATE = 'notebook-outputs'

function outputFindings(file: string, s: NotebookOutputsSummary, config: NotebookOutputsConfig): Finding[] {
  const findings: Finding[] = []
  const strip = `strip it with \`nbstripout ${file}\` (or \`jupyter nbconvert --clear-output --inplace ${file}\`); \`nbstripout --install\` strips every commit`
  if (s.cellsWithOutputs.length > 0) {
    const chars = s.cellsWithOutputs.reduce((n, c) => n + c.chars, 0)
    const imageBytes = s.images.reduce((n, i) => n + i.bytes, 0)
    const images =
      s.images.length > 0 ? `, ${plural(s.images.length, 'embedded image')} of ${formatBytes(imageBytes)}` : ''
    findings.push(
      makeFinding({
        gate: GATE,
        rule: 'committed-outputs',
        severity: 'error',
        file,
        line: (s.cellsWithOutputs[0] as { jsonLine: number }).jsonLine,
        message: `${s.cellsWithOutputs.length} of ${plural(s.codeCells, 'code cell')} keep outputs (${formatBytes(chars)}${images}): ${cellList(s.cellsWithOutputs.map((c) => c.cell))}`,
        remediation: `${strip}; to keep a notebook's outputs on purpose add it to gates.notebook-outputs.allow, or mark the cell with "keep_output": true in its metadata`,
        identity: 'outputs',
      }),
    )
  }
  if (s.executionCounts.length > 0 && !config.execution_counts) {
    const first = s.executionCounts[0] as { cell: number; jsonLine: number; count: number }
    findings.push(
      makeFinding({
        gate: GATE,
        rule: 'execution-count',
        severity: 'error',
        file,
        line: first.jsonLine,
        message: `${plural(s.executionCounts.length, 'cell')} with an execution count (cell ${first.cell} is [${first.count}]): ${cellList(s.executionCounts.map((c) => c.cell))}`,
        remediation: `${strip}; or allow counts with gates.notebook-outputs.execution_counts: true`,
        identity: 'execution-counts',
      }),
    )
  }
  return findings
}

function formatFinding(file: string, problem: string): Finding {
  return makeFinding({
    gate: GATE,
    rule: 'invalid-notebook',
    severity: 'error',
    file,
    line: Number(/at line (\d+)/.exec(problem)?.[1] ?? 1),
    message: `cannot be read as an nbformat 4 notebook: ${problem}`,
    remediation:
      'open and save it in Jupyter (an nbformat 3 notebook: `jupyter nbconvert --to notebook --nbformat 4 --inplace <file>`), or exclude it with gates.notebook-outputs.exclude',
    identity: 'format',
  })
}

function cellList(cells: number[]): string {
  const shown = cells.slice(0, 10).map((c) => `cell ${c}`)
  return `${shown.join(', ')}${cells.length > 10 ? `, … (${cells.length - 10} more)` : ''}`
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`
}
