import { existsSync, readdirSync, statSync } from 'node:fs'
import { basename, dirname, join } from 'node:path'
import type { LoadedTrainConfig } from '../../domain/train/config/load-train-config.ts'
import { UserError } from '../../foundation/errors/user-error.ts'

/** Where the run lives and what to resume: a new folder, or the one a checkpoint belongs to. */
export function resolveRunFolder(
  loaded: LoadedTrainConfig,
  resumeFrom: string | undefined,
): { outDir: string; resume?: string } {
  const configured = loaded.config.out_dir
  if (resumeFrom === undefined) {
    return {
      outDir:
        configured ?? join('runs', `${loaded.name}-${new Date().toISOString().replace(/[:.]/g, '-').slice(0, 23)}`),
    }
  }
  if (resumeFrom === 'latest') {
    const outDir = configured ?? newestRun(loaded.name)
    if (!outDir) {
      throw new UserError(
        'RESUME_NO_RUN',
        `--resume-from latest: no run of ${loaded.name} with checkpoints under runs/`,
        'set out_dir in the config (or --set out_dir=…), or pass --resume-from <run>/checkpoints/ckpt-<step>',
      )
    }
    return { outDir, resume: 'latest' }
  }
  const path = resumeFrom.replace(/\/+$/, '')
  if (basename(dirname(path)) === 'checkpoints') return { outDir: dirname(dirname(path)), resume: path }
  if (basename(path) === 'checkpoints' && existsSync(path)) return { outDir: dirname(path), resume: 'latest' }
  if (existsSync(join(path, 'checkpoints'))) return { outDir: path, resume: 'latest' }
  throw new UserError(
    'RESUME_PATH',
    `--resume-from ${resumeFrom}: not a checkpoint folder (<run>/checkpoints/ckpt-<step>), a run folder, or latest`,
    'e.g. --resume-from runs/gpt-tiny-<timestamp>/checkpoints/ckpt-60, or --resume-from latest',
  )
}

function newestRun(name: string): string | undefined {
  if (!existsSync('runs')) return undefined
  const candidates = readdirSync('runs')
    .filter((d) => d.startsWith(`${name}-`) && existsSync(join('runs', d, 'checkpoints')))
    .map((d) => ({ dir: join('runs', d), at: statSync(join('runs', d, 'checkpoints')).mtimeMs }))
    .sort((a, b) => b.at - a.at)
  return candidates[0]?.dir
}
