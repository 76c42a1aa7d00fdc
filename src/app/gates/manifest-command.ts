import { join } from 'node:path'
import { loadGatesConfig } from '../../domain/gates/gates-config.ts'
import { buildManifest, writeManifest } from '../../domain/gates/integrity/manifest.ts'
import { gatesRoot } from '../../domain/gates/repo-files.ts'
import { gateFiles } from '../../domain/gates/run-gate.ts'
import { defineCommand } from '../../foundation/cli/define-command.ts'
import { EXIT } from '../../foundation/errors/user-error.ts'
import { ROOT_OPTION } from './gate-name.ts'

/** `manifest`: writes the integrity gate's manifest (path → sha256, size). */
export const manifestCommand = defineCommand({
  name: 'manifest',
  summary: 'record file digests for the integrity gate (.codex/pre_manifest.json)',
  options: ROOT_OPTION,
  run: async ({ options, io }) => {
    const root = gatesRoot(io.env, options.root)
    const config = loadGatesConfig(root, io.env)
    const rel = config.gates.integrity.manifest
    const files = gateFiles(root, config, 'integrity').filter((f) => f !== rel)
    const manifest = buildManifest(root, files)
    writeManifest(join(root, rel), manifest)
    io.stdout(`wrote ${rel}: ${Object.keys(manifest.files).length} files\n`)
    return EXIT.ok
  },
})
