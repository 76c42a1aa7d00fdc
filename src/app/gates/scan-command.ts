import { formatFinding } from '../../domain/gates/finding.ts'
import { GATE_NAMES } from '../../domain/gates/gates-config.ts'
import { gatesRoot } from '../../domain/gates/repo-files.ts'
import { runGate } from '../../domain/gates/run-gate.ts'
import { toSarif } from '../../domain/gates/sarif.ts'
import { defineCommand } from '../../foundation/cli/define-command.ts'
import { EXIT, UserError } from '../../foundation/errors/user-error.ts'
import { redactText } from '../../foundation/redact/redact.ts'
import { checkGateName, ROOT_OPTION } from './gate-name.ts'

/** `scan <gate> [files…]`: one scanner outside Vitest; its findings printed, exit 1 on an error. */
export const scanCommand = defineCommand({
  name: 'scan',
  summary: 'run one gate outside Vitest and print its findings (--json, --sarif)',
  description: [
    'Exit 1 on any error finding. Files after the gate name limit the scan (what lint-staged',
    'passes): relative to --root, or absolute inside it; a missing file is exit 2.',
    `gates: ${GATE_NAMES.join(', ')}`,
  ].join('\n'),
  options: {
    ...ROOT_OPTION,
    json: { type: 'boolean', description: 'print the findings as JSON' },
    sarif: { type: 'boolean', description: 'print the findings as SARIF 2.1.0' },
  },
  positionals: [
    { name: 'gate', description: 'the gate to run' },
    { name: 'files', description: 'limit the scan to these files', variadic: true },
  ],
  examples: ['secrets', 'placeholders src/a.py --json'],
  run: async ({ options, positionals, io }) => {
    const [name, ...files] = positionals
    if (!name) throw new UserError('GATES_SCAN', 'scan needs a gate name', `choose one of: ${GATE_NAMES.join(', ')}`)
    const gate = checkGateName(name)
    if (options.json && options.sarif)
      throw new UserError('BAD_FLAG', '--json and --sarif exclude each other', 'pick one')
    const root = gatesRoot(io.env, options.root)
    const run = await runGate(gate, { root, env: io.env, useCache: false, files: files.length > 0 ? files : undefined })
    if (options.sarif) {
      io.stdout(`${redactText(JSON.stringify(toSarif(run.findings, root), null, 2))}\n`)
    } else if (options.json) {
      const payload = {
        gate: run.gate,
        status: run.status,
        reason: run.reason ?? null,
        root,
        duration_ms: run.durationMs,
        findings: run.findings,
      }
      io.stdout(`${redactText(JSON.stringify(payload, null, 2))}\n`)
    } else {
      for (const f of run.findings) io.stdout(`${redactText(formatFinding(f))}\n`)
      const errors = run.findings.filter((f) => f.severity === 'error').length
      const summary =
        run.status === 'skipped'
          ? `${gate}: skipped (${run.reason})`
          : `${gate}: ${run.status}, ${errors} error(s), ${run.findings.length - errors} warning(s), ${run.fileCount} file(s), ${run.durationMs} ms`
      io.stdout(`${summary}\n`)
    }
    return run.status === 'failed' ? EXIT.failed : EXIT.ok
  },
})
