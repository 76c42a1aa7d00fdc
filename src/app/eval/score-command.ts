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
import { nearest } from '../../foundation/cli/nearest.ts'
import { parseArgs } from '../../foundation/cli/parse-args.ts'
import { UserError } from '../../foundation/errors/user-error.ts'
import { PREPARE_USAGE, prepareCommand } from '../data/prepare-command.ts'

const COMMAND = 'npm run eval --'

export const EVAL_HELP = `usage: ${COMMAND} <command> [options]

commands:
  score    score line-aligned hypotheses against one or more reference files
  metrics  list the metrics
  prepare  prepare a dataset (schema check, safety filter, splits, tokenizer, manifest)

score options:
  --metric NAME   one of: ${Object.keys(METRICS).join(', ')} (default bleu)
  --hyp FILE      hypotheses, one segment per line
  --ref FILE      references, line-aligned with --hyp; repeat for several reference streams
  --json          print the result as JSON (scores unrounded, with the counts behind them)
  --per-line FILE also write each line's score with its hypothesis and references: CSV when FILE
                  ends in .csv, else NDJSON (rougeL, f1, em, accuracy; BLEU is corpus-only)

Scores are on a 0..100 scale. BLEU follows sacreBLEU's defaults and prints its signature;
f1 and em are SQuAD's: the mean over lines of the best score against any reference (the micro
F1 over summed tokens comes as micro_f1 with --json); rougeL prints the corpus F and the mean of
per-line scores. Line counts must match (exit 2).

${PREPARE_USAGE}

examples:
  ${COMMAND} score --metric bleu --hyp out.txt --ref ref1.txt --ref ref2.txt
  ${COMMAND} prepare --config configs/datasets/tiny-stories.json
`

/** Where the command writes; specs pass buffers. */
export interface Io {
  out: (text: string) => void
  err?: (text: string) => void
}

const stdoutIo: Io = { out: (text) => process.stdout.write(text), err: (text) => process.stderr.write(text) }

/** `npm run eval -- <command>`: returns the exit code. */
export async function evalCommand(argv: string[], io: Io = stdoutIo): Promise<number> {
  const [command, ...rest] = argv
  if (command === undefined || command === '--help' || command === '-h') {
    io.out(EVAL_HELP)
    return command === undefined ? 2 : 0
  }
  if (command === 'metrics') {
    for (const [key, metric] of Object.entries(METRICS)) io.out(`${key.padEnd(9)} ${metric.description}\n`)
    return 0
  }
  if (command === 'score') return scoreCommand(rest, io)
  if (command === 'prepare') {
    return prepareCommand(rest, { out: io.out, err: io.err ?? ((text) => process.stderr.write(text)) })
  }
  const close = nearest(command, ['score', 'metrics', 'prepare'])
  throw new UserError(
    'BAD_USAGE',
    `unknown command "${command}"`,
    `${close ? `did you mean ${close}? ` : ''}use score, metrics or prepare; see \`${COMMAND} --help\``,
  )
}

/** `score`: reads the files, checks they line up, prints the corpus score. */
export function scoreCommand(argv: string[], io: Io = stdoutIo): number {
  const { values, positionals } = parseArgs(
    argv,
    {
      metric: { type: 'string', default: 'bleu' },
      hyp: { type: 'string' },
      ref: { type: 'string', multiple: true },
      json: { type: 'boolean', default: false },
      'per-line': { type: 'string' },
    },
    `${COMMAND} score`,
  )
  if (values.help) {
    io.out(EVAL_HELP)
    return 0
  }
  if (positionals.length > 0) {
    throw new UserError(
      'BAD_FLAG',
      `${COMMAND} score: unexpected argument "${positionals[0]}"`,
      'pass files with --hyp and --ref',
    )
  }
  const metric = metricByName(values.metric as string)
  if (!values.hyp)
    throw new UserError(
      'BAD_FLAG',
      `${COMMAND} score: --hyp FILE is required`,
      `e.g. ${COMMAND} score --hyp out.txt --ref ref.txt`,
    )
  const refPaths = (values.ref as string[] | undefined) ?? []
  if (refPaths.length === 0) {
    throw new UserError(
      'BAD_FLAG',
      `${COMMAND} score: at least one --ref FILE is required`,
      `e.g. --ref ref.txt (repeat for more references)`,
    )
  }
  const hypotheses = readLineFile(values.hyp as string, '--hyp')
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
  const perLine = values['per-line'] as string | undefined
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
    io.out(`${JSON.stringify(json, null, 1)}\n`)
  } else {
    io.out(`${formatMetricResult(result)}\n`)
  }
  return 0
}

// --- internal ---

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
  io.err?.(`wrote ${rows.length} line scores to ${path}\n`)
}
