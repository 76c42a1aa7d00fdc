// Reference safetensors files written by Python (specs/fixtures/checkpoint/make-fixtures.py)
// and the tensors they were written from.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Dtype } from '../../../src/domain/checkpoint/safetensors-dtype.ts'
import type { SafetensorsTensor } from '../../../src/domain/checkpoint/write-safetensors.ts'

export const FIXTURES = join(import.meta.dirname, '..', '..', 'fixtures', 'checkpoint')

interface FixtureJson {
  metadata: Record<string, string> | null
  tensors: Record<string, { dtype: Dtype; shape: number[]; hex: string }>
}

/** The tensors fixture `<name>.safetensors` was written from, rebuilt from `<name>.json`. */
export function fixtureTensors(name: string): {
  metadata: Record<string, string> | null
  tensors: [string, SafetensorsTensor][]
} {
  const json = JSON.parse(readFileSync(join(FIXTURES, `${name}.json`), 'utf8')) as FixtureJson
  const tensors = Object.entries(json.tensors).map(([n, t]): [string, SafetensorsTensor] => [
    n,
    { dtype: t.dtype, shape: t.shape, data: new Uint8Array(Buffer.from(t.hex, 'hex')) },
  ])
  return { metadata: json.metadata, tensors }
}
