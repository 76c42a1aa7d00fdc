import { mkdirSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { GATE_NAMES, loadGatesConfig } from '../../domain/gates/gates-config.ts'
import { gatesRoot } from '../../domain/gates/repo-files.ts'
import { defineCommand } from '../../foundation/cli/define-command.ts'
import { EXIT, UserError } from '../../foundation/errors/user-error.ts'
import { writeFileAtomic } from '../../foundation/fs/write-file-atomic.ts'
import { sameContent, takeBaseline } from '../init/take-baselines.ts'
import { checkGateName, ROOT_OPTION } from './gate-name.ts'

/** `baseline <gate>`: today's findings of one gate become warnings; only new ones fail. */
export const baselineCommand = defineCommand({
  name: 'baseline',
  summary: "accept today's findings of a ratchet gate; only new ones fail",
  description: [
    'placeholders: per-file counts at gates.placeholders.baseline; any other gate: finding',
    'fingerprints and counts in <baselines>/<gate>.json (default .codex-gates/baselines; a secret',
    'is stored as a hash of its hash, never as text).',
    `gates: ${GATE_NAMES.join(', ')}`,
  ].join('\n'),
  options: ROOT_OPTION,
  positionals: [{ name: 'gate', description: 'the gate whose findings to accept' }],
  examples: ['secrets', 'placeholders --root ../other-repo'],
  run: async ({ options, positionals, io, path: command }) => {
    const [name] = positionals
    if (!name)
      throw new UserError(
        'BAD_USAGE',
        'baseline needs a gate name',
        `e.g. ${command} secrets; gates: ${GATE_NAMES.join(', ')}`,
      )
    const gate = checkGateName(name)
    const root = gatesRoot(io.env, options.root)
    const config = loadGatesConfig(root, io.env)
    const taken = await takeBaseline(gate, { root, config, env: io.env })
    if ('skipped' in taken) {
      io.stdout(`${gate}: not run here (${taken.skipped}); no baseline written\n`)
      return EXIT.ok
    }
    const { path, content, reason } = taken.write
    if (sameContent(root, path, content)) {
      io.stdout(`${path} unchanged: ${reason}\n`)
      return EXIT.ok
    }
    mkdirSync(dirname(join(root, path)), { recursive: true })
    writeFileAtomic(join(root, path), content)
    io.stdout(`wrote ${path}: ${reason}\n`)
    return EXIT.ok
  },
})
