import { existsSync, statSync } from 'node:fs'
import { join } from 'node:path'
import {
  formatMetricResult,
  METRICS,
  type MetricName,
  metricByName,
  type TextMetric,
} from '../../domain/eval/metrics.ts'
import { readLineFile } from '../../domain/eval/read-line-file.ts'
import { writeCsv, writeNdjson } from '../../domain/eval/writers.ts'
import { defineCommand } from '../../foundation/cli/define-command.ts'
import type { Io } from '../../foundation/cli/io.ts'
import { UserError } from '../../foundation/errors/user-error.ts'

const COMMAND = 'npm run eval --'

/** `npm run eval -- score`: reads the files, checks they line up, prints the corpus score. */
export const scoreCommand = defineCommand({
  name: 'score',
  summary: 'score line-aligned hypotheses against one or more reference files',
  description: `Scores are on a 0..100 scale. BLEU follows sacreBLEU's defaults and prints its signature;
f1 and em are SQuAD's: the mean over lines of the best score against any reference (the micro
F1 over summed tokens comes as micro_f1 with --json); rougeL prints the corpus F and the mean of
per-line scores. Line counts must match (exit 2).`,
  options: {
    metric: {
      type: 'string',
      valueName: 'name',
      default: 'bleu',
      description: `one of: ${Object.keys(METRICS).join(', ')}`,
    },
    hyp: { type: 'string', valueName: 'file', description: 'hypotheses, one segment per line' },
    ref: {
      type: 'string',
      multiple: true,
      valueName: 'file',
      description: 'references, line-aligned with --hyp; repeat for several reference streams',
    },
    json: { type: 'boolean', description: 'print the result as JSON (scores unrounded, with the counts behind them)' },
    'per-line': {
      type: 'string',
      valueName: 'file',
      description:
        "also write each line's score with its hypothesis and references: CSV when FILE ends in .csv, else NDJSON (rougeL, f1, em, accuracy; BLEU is corpus-only)",
    },
  },
  examples: [
    '--metric bleu --hyp out.txt --ref ref1.txt --ref ref2.txt',
    '--metric f1 --hyp out.txt --ref ref.txt --json',
  ],
  run: ({ options, io }) => score(options, io),
})

// --- internal ---

function score(
  values: { metric: string; hyp?: string; ref: string[]; json?: boolean; 'per-line'?: string },
  io: Io,
): number {
  const metric = metricByName(values.metric)
  if (!values.hyp)
    throw new UserError(
      'BAD_FLAG',
      `${COMMAND} score: --hyp FILE is required`,
      `e.g. ${COMMAND} score --hyp out.txt --ref ref.txt`,
    )
  const refPaths = values.ref
  if (refPaths.length === 0) {
    throw new UserError(
      'BAD_FLAG',
      `${COMMAND} score: at least one --ref FILE is required`,
      `e.g. --ref ref.txt (repeat for more references)`,
    )
  }
  const hypotheses = readLineFile(values.hyp, '--hyp')
  if (hypotheses.length === 0) {
    throw new UserError('EVAL_EMPTY', `--hyp ${values.hyp} has no lines`, 'write one hypothesis per line')
  }
  const references = refPaths.map((p) => readLineFile(p, '--ref'))
  const mismatched = references
    .map((r, i) => ({ path: refPaths[i] as string, lines: r.length }))
    .filter((r) => r.lines !== hypotheses.length)
  if (mismatched.length > 0) {
    throw new UserError(
      'EVAL_LINE_COUNT',
      `line counts differ: --hyp ${values.hyp} has ${hypotheses.length} lines, ${mismatched.map((m) => `--ref ${m.path} has ${m.lines}`).join(', ')}`,
      'each file needs one segment per line, line-aligned with the hypotheses',
    )
  }
  const perLine = values['per-line']
  if (perLine !== undefined) writePerLine(perLine, metric, hypotheses, references, io)
  const result = metric.corpus(hypotheses, references)
  if (values.json) {
    const json: Record<string, unknown> = {
      name: result.name,
      metric: result.metric,
      score: result.score,
      ...(result.lineMean !== undefined ? { mean_of_lines: result.lineMean } : {}),
      ...(result.signature ? { signature: result.signature } : {}),
      verbose_score: result.verbose,
      lines: result.lines,
      nrefs: result.nrefs,
      ...result.details,
    }
    if (result.signature) {
      for (const pair of result.signature.split('|')) {
        const [key, value] = pair.split(':') as [string, string]
        if (!(key in json)) json[key] = value
      }
    }
    io.stdout(`${JSON.stringify(json, null, 1)}\n`)
  } else {
    io.stdout(`${formatMetricResult(result)}\n`)
  }
  return 0
}

/** `--per-line`: one row per line (1-based line, the line's score 0..100, hypothesis, references), written atomically. */
function writePerLine(
  path: string,
  metric: TextMetric & { key: MetricName },
  hypotheses: readonly string[],
  references: readonly (readonly string[])[],
  io: Io,
): void {
  const line = metric.line
  if (!line) {
    throw new UserError(
      'BAD_FLAG',
      `--per-line: ${metric.name} is a corpus statistic with no per-line score`,
      'use --per-line with --metric rougeL, f1, em or accuracy',
    )
  }
  if (existsSync(path) && statSync(path).isDirectory()) {
    throw new UserError(
      'BAD_FLAG',
      `--per-line ${path} is a folder`,
      `give a file, e.g. --per-line ${join(path, 'lines.csv')}`,
    )
  }
  const rows = hypotheses.map((hypothesis, i) => {
    const refs = references.map((stream) => stream[i] as string)
    return { line: i + 1, [metric.key]: 100 * line(hypothesis, refs), hypothesis, references: refs }
  })
  if (path.endsWith('.csv')) writeCsv(path, rows)
  else writeNdjson(path, rows)
  io.stderr(`wrote ${rows.length} line scores to ${path}\n`)
}
