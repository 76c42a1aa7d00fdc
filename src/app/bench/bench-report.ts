import { mkdirSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { formatTable } from '../../foundation/cli/format-table.ts'
import type { Io } from '../../foundation/cli/io.ts'
import { writeFileAtomic } from '../../foundation/fs/write-file-atomic.ts'

export type BenchRow = Record<string, string | number | boolean | null>

/** What a benchmark returns: rows for the table, plus free-form figures for the JSON. */
export interface BenchResult {
  name: string
  rows: BenchRow[]
  /** Targets checked in this run, e.g. `{ target: 'rows/s >= 200000', met: true }`. */
  targets?: { target: string; value: number | string; met: boolean }[]
  notes?: string[]
  extra?: Record<string, unknown>
}

/** Prints the result as an aligned table and writes `reports/bench/<name>.json` (under `io.cwd`) atomically. */
export function publishBench(result: BenchResult, io: Io, outDir = join('reports', 'bench')): string {
  io.stdout(`${formatTable(result.rows)}\n`)
  for (const t of result.targets ?? []) {
    io.stdout(`${t.met ? 'MET ' : 'MISS'}  ${t.target}  (measured ${t.value})\n`)
  }
  for (const n of result.notes ?? []) io.stdout(`note: ${n}\n`)
  mkdirSync(resolve(io.cwd, outDir), { recursive: true })
  const path = join(outDir, `${result.name}.json`)
  const payload = {
    ...result,
    at: new Date().toISOString(),
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
  }
  writeFileAtomic(resolve(io.cwd, path), `${JSON.stringify(payload, null, 2)}\n`)
  io.stdout(`wrote ${path}\n`)
  return path
}
