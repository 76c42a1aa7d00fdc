import type { RegistryEntry } from '../../domain/pretrained/model-registry.ts'
import { defineCommand } from '../../foundation/cli/define-command.ts'
import { formatTable } from '../../foundation/cli/format-table.ts'
import type { Io } from '../../foundation/cli/io.ts'
import { EXIT } from '../../foundation/errors/user-error.ts'
import { openModelRegistry } from './model-registry-dir.ts'

const COMMAND = 'npm run train -- registry'

/** `--registry DIR`, which every verb takes. */
const REGISTRY_OPTION = {
  registry: {
    type: 'string',
    valueName: 'dir',
    description: 'the registry folder (default CODEX_MODELS, else .codex/models/)',
  },
} as const

/** The options `registry add` and `import` share. */
export const ADD_OPTIONS = {
  ...REGISTRY_OPTION,
  name: { type: 'string', description: "the name to register under (default: the folder's name)" },
  replace: { type: 'boolean', description: 'replace a registered model of the same name' },
} as const

const JSON_OPTION = { json: { type: 'boolean', description: 'JSON instead of a table' } } as const

/** `npm run train -- registry <list|add|verify>`: the local model registry. */
export const registryCommand = defineCommand({
  name: 'registry',
  summary: 'the local model registry: list, add, verify',
  description: `One folder per model (default .codex/models/, or CODEX_MODELS, or --registry DIR), each
with its files and a manifest.json (source, layout, sha256 per file, parameter count, config
hash). Nothing is ever downloaded. Train from a registered model with --init-from registry:NAME
(or NAME when no folder of that name exists).`,
  subcommands: {
    list: defineCommand({
      name: 'list',
      summary: 'the registered models: name, layout, parameters, shape, source, status',
      description: 'Status says whether the files are present at their recorded sizes; --json prints the manifests.',
      options: { ...REGISTRY_OPTION, ...JSON_OPTION },
      run: ({ options, io }) => {
        const registry = openModelRegistry(options.registry, io.env)
        const entries = registry.list()
        if (options.json) io.stdout(`${JSON.stringify(entries.map(jsonEntry), null, 2)}\n`)
        else if (entries.length === 0) io.stdout(`no models in ${registry.dir}; add one with ${COMMAND} add <folder>\n`)
        else io.stdout(`${formatTable(entries.map(tableRow))}\n`)
        return EXIT.ok
      },
    }),
    add: defineCommand({
      name: 'add',
      summary: 'check a Hugging Face GPT-2 folder and register a copy of it',
      description: `Anything the GPT cannot compute is refused by name. \`npm run train -- import DIR\` does the same.`,
      options: ADD_OPTIONS,
      positionals: [{ name: 'dir', description: "a folder in Hugging Face's GPT-2 layout", required: true }],
      run: ({ options, positionals, io }) => addModel(positionals[0] as string, options, io),
    }),
    verify: defineCommand({
      name: 'verify',
      summary: 're-hash the files of the named models (default: all); exit 1 when any is damaged',
      description: 'Damaged or missing files are named with the fix.',
      options: { ...REGISTRY_OPTION, ...JSON_OPTION },
      positionals: [{ name: 'names', description: 'the models to verify (default: all)', variadic: true }],
      run: async ({ options, positionals, io }) => {
        const registry = openModelRegistry(options.registry, io.env)
        const results = await registry.verify(positionals)
        const damaged = results.filter((r) => r.problems.length > 0)
        if (options.json) io.stdout(`${JSON.stringify(results.map(jsonEntry), null, 2)}\n`)
        else if (results.length === 0) io.stdout(`no models in ${registry.dir}\n`)
        else {
          for (const r of results) {
            io.stdout(
              `${r.problems.length === 0 ? `ok       ${r.name}` : `DAMAGED  ${r.name}: ${r.problems.join('; ')}`}\n`,
            )
            if (r.fix) io.stdout(`         fix: ${r.fix}\n`)
          }
        }
        return damaged.length > 0 ? EXIT.failed : EXIT.ok
      },
    }),
  },
})

/** `registry add DIR` and `import DIR`: register a Hugging Face GPT-2 folder. */
export async function addModel(
  dir: string,
  values: { registry?: string; name?: string; replace?: boolean },
  io: Io,
): Promise<number> {
  const registry = openModelRegistry(values.registry, io.env)
  const manifest = await registry.add(dir, {
    ...(values.name ? { name: values.name } : {}),
    ...(values.replace ? { replace: true } : {}),
  })
  const m = manifest.model
  io.stdout(
    `registered ${manifest.name} (${manifest.parameters.toLocaleString('en-US')} parameters; n_layer ${m.n_layer}, n_head ${m.n_head}, n_embd ${m.n_embd}, n_positions ${m.block_size}, vocab ${m.vocab_size}) in ${registry.dir}\n`,
  )
  io.stdout(`train from it with --init-from registry:${manifest.name}\n`)
  return 0
}

// --- internal ---

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
