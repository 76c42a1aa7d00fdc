import { randomUUID } from 'node:crypto'
import { join } from 'node:path'
import { UserError } from '../../foundation/errors/user-error.ts'
import type { LedgerRecord } from '../../ledger/records.ts'
import { JsonlReader } from '../data/jsonl-reader.ts'
import { manifestSplit, readManifest } from '../data/manifest.ts'
import { type MetricName, type MetricResult, metricByName } from './metrics.ts'
import { NllAccumulator } from './perplexity.ts'

/** One example of a split: the model input and the references its output is scored against. */
export interface EvalExample {
  id: string
  input: string
  references: string[]
}

/** Token-level scores of one example under teacher forcing. */
export interface TokenScore {
  /** Summed NLL over the example's target tokens (nats). */
  nllSum: number
  tokens: number
  /** Target tokens the model's argmax got right. */
  correct?: number
}

/** What the runner needs from a model: generation for text metrics, token scores for perplexity. */
export interface EvalModel {
  generate?(input: string, example: EvalExample): Promise<string> | string
  score?(example: EvalExample): Promise<TokenScore> | TokenScore
}

export interface RunEvalOptions {
  /** Name of the split being scored (reported and used in metric names). */
  split: string
  examples: Iterable<EvalExample> | AsyncIterable<EvalExample>
  model: EvalModel
  /** Text metrics to compute from generations (names from METRICS). */
  metrics?: readonly string[]
  /** Stop after this many examples (default: all). */
  limit?: number
  /** Receives each row as soon as it is scored (e.g. `appendNdjson`). */
  onRow?: (row: EvalRow) => void
}

/** One scored example: what was generated and each metric's line score (0..1). */
export interface EvalRow {
  split: string
  id: string
  input: string
  references: string[]
  hypothesis?: string
  nll_sum?: number
  tokens?: number
  [metric: string]: unknown
}

export interface EvalReport {
  split: string
  examples: number
  /** Corpus results per text metric (0..100). */
  metrics: Partial<Record<MetricName, MetricResult>>
  /** exp(Σ NLL / Σ tokens) over the whole split, when the model scores tokens. */
  perplexity?: number
  /** Σ correct / Σ tokens, when the model reports correct counts. */
  tokenAccuracy?: number
  nllSum?: number
  tokens?: number
  rows: EvalRow[]
}

/**
 * Scores a model on a split: generates for every example (when text metrics are asked) and/or
 * collects token NLL sums (when the model has `score`), then computes corpus metrics once over
 * the whole split — sums and counts, never means of batch means.
 */
export async function runEval(options: RunEvalOptions): Promise<EvalReport> {
  const metrics = (options.metrics ?? []).map((name) => metricByName(name, 'eval metrics'))
  if (metrics.length > 0 && !options.model.generate) {
    throw new UserError(
      'EVAL_MODEL',
      `runEval(${options.split}): metrics ${metrics.map((m) => m.key).join(', ')} need generations but the model has no generate()`,
      'give the model a generate(input) method, or ask only for perplexity',
    )
  }
  if (metrics.length === 0 && !options.model.score) {
    throw new UserError(
      'EVAL_MODEL',
      `runEval(${options.split}): nothing to compute`,
      'ask for metrics or give the model score()',
    )
  }
  const nll = new NllAccumulator()
  let correct = 0
  let haveCorrect = true
  const hypotheses: string[] = []
  const referenceLists: string[][] = []
  const rows: EvalRow[] = []
  for await (const example of options.examples) {
    if (options.limit !== undefined && rows.length >= options.limit) break
    const row: EvalRow = { split: options.split, id: example.id, input: example.input, references: example.references }
    if (metrics.length > 0) {
      if (example.references.length === 0) {
        throw new UserError(
          'EVAL_NO_REFERENCE',
          `runEval(${options.split}): example ${example.id} has no reference`,
          'use a split with completions, or ask only for perplexity',
        )
      }
      const hypothesis = await (options.model.generate as NonNullable<EvalModel['generate']>)(example.input, example)
      row.hypothesis = hypothesis
      hypotheses.push(hypothesis)
      referenceLists.push(example.references)
      for (const m of metrics) if (m.line) row[m.key] = m.line(hypothesis, example.references)
    }
    if (options.model.score) {
      const s = await options.model.score(example)
      nll.add(s.nllSum, s.tokens)
      row.nll_sum = s.nllSum
      row.tokens = s.tokens
      if (s.correct === undefined) haveCorrect = false
      else correct += s.correct
    }
    rows.push(row)
    options.onRow?.(row)
  }
  const report: EvalReport = { split: options.split, examples: rows.length, metrics: {}, rows }
  if (metrics.length > 0 && rows.length > 0) {
    const streams = toStreams(referenceLists)
    for (const m of metrics) report.metrics[m.key] = m.corpus(hypotheses, streams)
  }
  if (options.model.score && nll.tokens > 0) {
    report.nllSum = nll.nllSum
    report.tokens = nll.tokens
    report.perplexity = nll.perplexity()
    if (haveCorrect) report.tokenAccuracy = correct / nll.tokens
  }
  return report
}

export interface SplitExampleOptions {
  /** Field holding the model input (default: `prompt` when present, else `text`). */
  inputField?: string
  /** Fields holding references (default: `completion` when present). */
  referenceFields?: string[]
  /** Field holding the example id (default `id`, else `<split>:<index>`). */
  idField?: string
}

/** Streams a prepared split (from its manifest) as eval examples. */
export async function* splitExamples(
  manifestPath: string,
  split: string,
  options: SplitExampleOptions = {},
): AsyncGenerator<EvalExample> {
  const manifest = readManifest(manifestPath)
  const entry = manifestSplit(manifest, manifestPath, split)
  const file = join(manifestPath, '..', entry.path)
  let index = 0
  for await (const record of new JsonlReader(file)) {
    const value = record.value as Record<string, unknown>
    const inputField = options.inputField ?? ('prompt' in value ? 'prompt' : 'text')
    const input = value[inputField]
    if (typeof input !== 'string') {
      throw new UserError(
        'EVAL_FIELD',
        `${file}:${record.line} /${inputField}: expected the input text`,
        'set inputField to a string field',
      )
    }
    const refFields = options.referenceFields ?? ('completion' in value ? ['completion'] : [])
    const references = refFields.map((f) => value[f]).filter((v): v is string => typeof v === 'string')
    const rawId = value[options.idField ?? 'id']
    const id = typeof rawId === 'string' || typeof rawId === 'number' ? String(rawId) : `${split}:${index}`
    index++
    yield { id, input, references }
  }
}

/** The report's figures as rows of the ledger's `metrics` table: `<split>/<metric>` at `step`. */
export function evalMetricRecords(runId: string, step: number, report: EvalReport, ts = Date.now()): LedgerRecord[] {
  const values: [string, number][] = []
  for (const [name, result] of Object.entries(report.metrics)) values.push([name, (result as MetricResult).score])
  if (report.perplexity !== undefined) values.push(['perplexity', report.perplexity])
  if (report.tokenAccuracy !== undefined) values.push(['token_accuracy', report.tokenAccuracy])
  return values.map(([name, value]) => ({
    rid: randomUUID(),
    table: 'metrics',
    row: {
      run_id: runId,
      step,
      name: `${report.split}/${name}`,
      value: Number.isFinite(value) ? value : null,
      is_nan: Number.isNaN(value) ? 1 : 0,
      ts,
    },
  }))
}

// --- internal ---

/** Per-example reference lists → reference streams; examples with fewer references repeat their last. */
function toStreams(referenceLists: readonly string[][]): string[][] {
  const width = referenceLists.reduce((m, refs) => Math.max(m, refs.length), 0)
  return Array.from({ length: width }, (_, k) =>
    referenceLists.map((refs) => (refs[Math.min(k, refs.length - 1)] as string) ?? ''),
  )
}
