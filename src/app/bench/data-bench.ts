import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseDatasetConfig } from '../../domain/data/dataset-config.ts'
import { prepareDataset } from '../../domain/data/prepare-dataset.ts'
import { permutation } from '../../domain/data/shuffle.ts'
import { Splitter } from '../../domain/data/split.ts'
import { SyntheticText, writeSyntheticJsonl } from '../../domain/data/synthetic-corpus.ts'
import { BpeTokenizer } from '../../domain/data/tokenizers/bpe-tokenizer.ts'
import type { OptionDefs, OptionValues } from '../../foundation/cli/define-command.ts'
import type { BenchResult, BenchRow } from './bench-report.ts'
import { defineBench } from './define-bench.ts'

const OPTIONS = {
  records: { type: 'integer', valueName: 'n', default: 1_000_000, description: 'JSONL records to prepare' },
  'text-mb': { type: 'integer', valueName: 'n', default: 50, description: 'MB of text to encode' },
  'train-mb': { type: 'integer', valueName: 'n', default: 4, description: 'MB of text to train the BPE tokenizer on' },
  vocab: { type: 'integer', valueName: 'n', default: 4096, description: 'BPE vocabulary size' },
  seed: { type: 'integer', valueName: 'n', default: 42, description: 'seed of the generated data' },
} as const satisfies OptionDefs

/** `npm run bench -- data`: records/s and peak RSS of dataset preparation, MB/s of BPE encoding. */
export const dataBench = defineBench({
  name: 'data',
  summary: 'records/s and peak RSS of dataset preparation, MB/s of BPE encoding',
  description: `Data pipeline and tokenizer throughput on generated data:
  1. prepare (schema check, hashed split, split files + offsets, epoch-0 shuffle, manifest)
     on --records JSONL records, then the same call again (cache hit); permutation and split
     hashing alone for comparison; peak RSS after this part.
  2. BPE: train a --vocab tokenizer on --train-mb MB, then encode --text-mb MB of text; MB/s and
     a round-trip check.`,
  options: OPTIONS,
  measure: measureBench,
})

async function measureBench(values: OptionValues<typeof OPTIONS>): Promise<BenchResult> {
  const { records, 'text-mb': textMb, 'train-mb': trainMb, vocab, seed } = values
  const rows: BenchRow[] = []
  const notes: string[] = []
  const dir = mkdtempSync(join(tmpdir(), 'data-bench-'))
  try {
    // 1. Dataset preparation.
    const source = join(dir, 'records.jsonl')
    let t = performance.now()
    const sourceBytes = writeSyntheticJsonl(source, records, seed)
    const genS = (performance.now() - t) / 1000
    rows.push(stage('generate JSONL (setup)', records, genS, sourceBytes))
    const config = parseDatasetConfig({
      name: 'bench',
      source,
      record_schema: 'text',
      seed,
      splits: { train: 0.98, val: 0.01, test: 0.01 },
      artifacts_dir: join(dir, 'artifacts'),
    })
    t = performance.now()
    const prepared = await prepareDataset(config)
    const prepS = (performance.now() - t) / 1000
    rows.push(
      stage('prepare: validate+split+write+shuffle+manifest', prepared.manifest.records.kept, prepS, sourceBytes),
    )
    t = performance.now()
    const again = await prepareDataset(config)
    rows.push(
      stage(
        `prepare again (cache ${again.cached ? 'hit' : 'MISS'})`,
        records,
        (performance.now() - t) / 1000,
        sourceBytes,
      ),
    )
    t = performance.now()
    permutation(records, seed)
    rows.push(stage('permutation alone (Fisher-Yates)', records, (performance.now() - t) / 1000))
    const splitter = new Splitter(config.splits, seed)
    t = performance.now()
    for (let i = 0; i < records; i++) splitter.splitOf(`{"id":${i},"text":"sample record ${i}"}`)
    rows.push(stage('split hash alone (sha256)', records, (performance.now() - t) / 1000))
    const rssMb = process.resourceUsage().maxRSS / 1024
    const sizes = Object.entries(prepared.manifest.splits).map(([k, v]) => `${k}=${v.records}`)
    notes.push(`dataset: ${records} records, ${(sourceBytes / 1e6).toFixed(1)} MB source; splits ${sizes.join(' ')}`)
    notes.push(`peak RSS after dataset part: ${rssMb.toFixed(0)} MB`)
    rmSync(join(dir, 'artifacts'), { recursive: true, force: true })
    rmSync(source, { force: true })

    // 2. Tokenizer.
    const gen = new SyntheticText(seed + 1)
    const lines: string[] = []
    let chars = 0
    while (chars < textMb * 1e6) {
      const line = gen.paragraph(400)
      lines.push(line)
      chars += line.length
    }
    const textBytes = lines.reduce((n, l) => n + Buffer.byteLength(l), 0)
    const trainLines: string[] = []
    let trainBytes = 0
    for (const l of lines) {
      if (trainBytes >= trainMb * 1e6) break
      trainLines.push(l)
      trainBytes += Buffer.byteLength(l)
    }
    t = performance.now()
    const tokenizer = BpeTokenizer.train(trainLines, { vocabSize: vocab })
    const trainS = (performance.now() - t) / 1000
    rows.push(stage(`BPE train vocab ${tokenizer.vocabSize}`, trainLines.length, trainS, trainBytes))
    let tokens = 0
    t = performance.now()
    for (const line of lines) tokens += tokenizer.encode(line).length
    const encS = (performance.now() - t) / 1000
    rows.push(stage('BPE encode', lines.length, encS, textBytes))
    const sample = lines.slice(0, 2000)
    t = performance.now()
    const roundTrip = sample.every((l) => tokenizer.decode(tokenizer.encode(l)) === l)
    rows.push(stage('BPE encode+decode round trip (sample)', sample.length, (performance.now() - t) / 1000))
    notes.push(
      `tokenizer: ${(textBytes / 1e6).toFixed(1)} MB encoded into ${tokens} tokens (${(textBytes / tokens).toFixed(2)} bytes/token); round trip on ${sample.length} lines: ${roundTrip ? 'exact' : 'MISMATCH'}`,
    )
    notes.push('2-core shared machine: figures are noisy; compare rows of one run, not runs')
    return {
      name: 'data',
      rows,
      notes,
      extra: {
        records,
        source_bytes: sourceBytes,
        prepare_records_per_s: prepared.manifest.records.kept / prepS,
        peak_rss_mb: rssMb,
        bpe_vocab: tokenizer.vocabSize,
        bpe_train_s: trainS,
        encode_mb_per_s: textBytes / 1e6 / encS,
        text_bytes: textBytes,
        tokens,
        round_trip: roundTrip,
      },
    }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

function stage(name: string, items: number, seconds: number, bytes?: number): BenchRow {
  return {
    stage: name,
    items,
    seconds,
    'items/s': items / seconds,
    'MB/s': bytes === undefined ? null : bytes / 1e6 / seconds,
  }
}
