import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, test } from 'vitest'
import { renderReport } from '../../../src/domain/report/render-report.ts'
import type { ReportSummary } from '../../../src/domain/report/report-summary.ts'
import { adapterLabel } from '../../../src/domain/report/training-section.ts'
import { at, type Fixture, fixtureLedger, rec, sessionRec } from './fixture-ledgers.ts'

let fixture: Fixture
afterEach(() => fixture?.cleanup())

const LORA = { r: 4, lora_alpha: 8, lora_dropout: 0, target_modules: ['c_attn', 'c_proj'], task_type: 'CAUSAL_LM' }

describe('trainingSections()', () => {
  test('each run shows what it started from, its adapter settings and trainable vs total parameters', () => {
    fixture = fixtureLedger('training-section-')
    const base = {
      session_id: 'sess-train',
      backend: 'ts',
      device: 'cpu',
      seed: 1337,
      status: 'completed',
      config_json: '{}',
    }
    fixture.ledger.write([
      sessionRec('sess-train', at(1), { kind: 'train' }),
      rec('training_runs', {
        ...base,
        id: 'run-full',
        started_at: at(1),
        trainable_params: 28480,
        total_params: 28480,
      }),
      rec('training_runs', {
        ...base,
        id: 'run-lora',
        started_at: at(1.5),
        init_from: 'registry:tiny',
        registry_name: 'tiny',
        adapter_json: JSON.stringify(LORA),
        trainable_params: 3072,
        total_params: 31552,
      }),
      rec('training_runs', {
        ...base,
        id: 'run-folder',
        started_at: at(1.7),
        init_from: '/models/gpt2-tiny',
        trainable_params: 10,
        total_params: 10,
      }),
      rec('metrics', { run_id: 'run-lora', step: 1, name: 'train/loss', value: 3.1, is_nan: 0, ts: 1 }),
    ])
    renderReport({ ledgerPath: fixture.ledgerPath, reportsDir: fixture.reportsDir, keep: 1, envSecrets: [] })
    const latest = join(fixture.reportsDir, 'latest')
    const summary = JSON.parse(readFileSync(join(latest, 'summary.json'), 'utf8')) as ReportSummary
    expect(
      summary.sections.training?.runs.map((r) => [r.id, r.init, r.adapter, r.trainable_params, r.total_params]),
    ).toEqual([
      ['run-full', null, null, 28480, 28480],
      ['run-lora', 'registry:tiny', 'LoRA r=4 α=8 c_attn,c_proj', 3072, 31552],
      ['run-folder', '/models/gpt2-tiny', null, 10, 10],
    ])
    const md = readFileSync(join(latest, 'summary.md'), 'utf8')
    expect(md).toContain(
      '| run | backend | device | seed | status | init | adapter | trainable / total | steps | last values | NaN/Inf |',
    )
    expect(md).toContain(
      '| `run-lora` | ts | cpu | 1,337 | completed | `registry:tiny` | LoRA r=4 α=8 c_attn,c_proj | 3,072 / 31,552 (9.74%) | 1 |',
    )
    expect(md).toContain('| `run-full` | ts | cpu | 1,337 | completed | fresh |  | 28,480 |')
    const html = readFileSync(join(latest, 'index.html'), 'utf8')
    expect(html).toContain('<th scope="col">trainable / total</th>')
    expect(html).toContain('3,072 / 31,552 (9.74%)')
    expect(html).toContain('<code>registry:tiny</code>')
  })
})

describe('adapterLabel()', () => {
  test('short LoRA settings; null for full training; unreadable JSON says so', () => {
    expect(adapterLabel(JSON.stringify(LORA))).toBe('LoRA r=4 α=8 c_attn,c_proj')
    expect(adapterLabel(null)).toBeNull()
    expect(adapterLabel('{')).toBe('LoRA (unreadable settings)')
  })
})
