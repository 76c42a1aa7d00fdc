import type { RegistryEntry } from '../../domain/pretrained/model-registry.ts'
import { type CliIo, STDIO } from '../../foundation/cli/cli-io.ts'
import { formatTable } from '../../foundation/cli/format-table.ts'
import { nearest } from '../../foundation/cli/nearest.ts'
import { parseArgs } from '../../foundation/cli/parse-args.ts'
import { EXIT, UserError } from '../../foundation/errors/user-error.ts'
import { openModelRegistry } from './model-registry-dir.ts'

const COMMAND = 'npm run train -- registry'

export const REGISTRY_HELP = `usage: ${COMMAND} list [--json]
       ${COMMAND} add DIR [--name NAME] [--replace]
       ${COMMAND} verify [NAME …] [--json]

The local model registry: one folder per model (default .codex/models/, or CODEX_MODELS, or
--registry DIR), each with its files and a manifest.json (source, layout, sha256 per file,
parameter count, config hash). Nothing is ever downloaded.

  list      the registered models: name, layout, parameters, shape, source, status (files
            present at their recorded sizes); --json prints the manifests
  add DIR   checks a folder in Hugging Face's GPT-2 layout (config.json + model.safetensors;
            anything the GPT cannot compute is refused by name) and registers a copy as NAME
            (default: the folder's name); --replace registers it over an existing NAME.
            \`npm run train -- import DIR\` does the same
  verify    re-hashes every file of the named models (default: all): damaged or missing files
            are named with the fix; exit 1 when any is damaged

Train from a registered model with --init-from registry:NAME (or NAME when no folder of that
name exists).

options:
  --registry DIR   the registry folder
  --name NAME      (add) the name to register under
  --replace        (add) replace a model of the same name
  --json           (list, verify) JSON instead of a table
  -h, --help       this text
`

const VERBS = ['list', 'add', 'verify'] as const

/** `npm run train -- registry <list|add|verify>`. */
export async function registryCommand(argv: string[], io: CliIo = STDIO): Promise<number> {
  const { values, positionals } = parseArgs(
    argv,
    { registry: { type: 'string' }, name: { type: 'string' }, replace: { type: 'boolean' }, json: { type: 'boolean' } },
    COMMAND,
  )
  if (values.help) {
    io.out(REGISTRY_HELP)
    return 0
  }
  const [verb, ...args] = positionals
  const registry = openModelRegistry(values.registry)
  if (verb === 'list') {
    noArgs(args, 'list')
    const entries = registry.list()
    if (values.json) io.out(JSON.stringify(entries.map(jsonEntry), null, 2))
    else if (entries.length === 0) io.out(`no models in ${registry.dir}; add one with ${COMMAND} add <folder>`)
    else io.out(formatTable(entries.map(tableRow)))
    return 0
  }
  if (verb === 'add') return addModel(args, values, io)
  if (verb === 'verify') {
    const results = await registry.verify(args)
    const damaged = results.filter((r) => r.problems.length > 0)
    if (values.json) io.out(JSON.stringify(results.map(jsonEntry), null, 2))
    else if (results.length === 0) io.out(`no models in ${registry.dir}`)
    else {
      for (const r of results) {
        io.out(r.problems.length === 0 ? `ok       ${r.name}` : `DAMAGED  ${r.name}: ${r.problems.join('; ')}`)
        if (r.fix) io.out(`         fix: ${r.fix}`)
      }
    }
    return damaged.length > 0 ? EXIT.failed : 0
  }
  const close = verb ? nearest(verb, [...VERBS]) : undefined
  throw new UserError(
    'BAD_USAGE',
    verb ? `${COMMAND}: unknown verb "${verb}"` : `${COMMAND}: a verb is required`,
    `${close ? `did you mean ${close}? ` : ''}verbs: ${VERBS.join(', ')} (see --help)`,
  )
}

/** `registry add DIR` and `import DIR`: register a Hugging Face GPT-2 folder. */
export async function addModel(
  args: string[],
  values: { registry?: string; name?: string; replace?: boolean },
  io: CliIo,
  command = `${COMMAND} add`,
): Promise<number> {
  const [dir, ...rest] = args
  if (!dir)
    throw new UserError('BAD_USAGE', `${command}: the folder to register is required`, `e.g. ${command} models/gpt2`)
  noArgs(rest, command)
  const registry = openModelRegistry(values.registry)
  const manifest = await registry.add(dir, {
    ...(values.name ? { name: values.name } : {}),
    ...(values.replace ? { replace: true } : {}),
  })
  const m = manifest.model
  io.out(
    `registered ${manifest.name} (${manifest.parameters.toLocaleString('en-US')} parameters; n_layer ${m.n_layer}, n_head ${m.n_head}, n_embd ${m.n_embd}, n_positions ${m.block_size}, vocab ${m.vocab_size}) in ${registry.dir}`,
  )
  io.out(`train from it with --init-from registry:${manifest.name}`)
  return 0
}

// --- internal ---

function noArgs(args: string[], verb: string): void {
  if (args.length > 0)
    throw new UserError('BAD_USAGE', `${COMMAND} ${verb}: unexpected argument "${args[0]}"`, 'see --help')
}

function tableRow(e: RegistryEntry): Record<string, string | number | null> {
  const m = e.manifest
  return {
    name: e.name,
    layout: m?.layout ?? null,
    parameters: m?.parameters ?? null,
    'layers×heads×width': m ? `${m.model.n_layer}×${m.model.n_head}×${m.model.n_embd}` : null,
    positions: m?.model.block_size ?? null,
    vocab: m?.model.vocab_size ?? null,
    source: m?.source ?? null,
    status: e.problems.length === 0 ? 'ok' : `damaged: ${e.problems.join('; ')}`,
  }
}

function jsonEntry(e: RegistryEntry): Record<string, unknown> {
  return {
    name: e.name,
    path: e.path,
    status: e.problems.length === 0 ? 'ok' : 'damaged',
    problems: e.problems,
    ...(e.fix ? { fix: e.fix } : {}),
    manifest: e.manifest ?? null,
  }
}
