import { errorMessage, UserError } from '../../foundation/errors/user-error.ts'
import { MissingDependencyError } from '../../foundation/optional/missing-dependency-error.ts'
import { installCommand, isOptionalDependency } from '../../foundation/optional/optional-dependencies.ts'
import { loadOptional } from '../../foundation/optional/optional-import.ts'
import { BACKENDS, type BackendName, type Executor, type ExecutorOptions } from './executor-types.ts'

export type {
  BackendName,
  Executor,
  ExecutorOptions,
  HostTensor,
  Program,
  Session,
  StateSlot,
} from './executor-types.ts'
export { BACKENDS }

export type ExecutorLoader = (options: ExecutorOptions) => Promise<Executor>

/**
 * Executors by backend name. Registering one is one line here; `ort-cpu` and `ort-webgpu`
 * (onnxruntime-node) plug in behind the same interface.
 */
export const EXECUTORS: Partial<Record<BackendName, ExecutorLoader>> = {
  ts: async (options) => new (await import('./ts/ts-executor.ts')).TsExecutor(options),
  'ort-cpu': async (options) => (await import('./ort/ort-executor.ts')).createOrtExecutor('ort-cpu', options),
  'ort-webgpu': async (options) => (await import('./ort/ort-executor.ts')).createOrtExecutor('ort-webgpu', options),
}

/** npm packages a backend needs at run time; checked before it loads, so a missing one is a clear exit 2. */
export const BACKEND_DEPENDENCIES: Readonly<Record<BackendName, readonly string[]>> = {
  ts: [],
  'ort-cpu': ['onnxruntime-node'],
  'ort-webgpu': ['onnxruntime-node'],
}

export function isBackendName(name: string): name is BackendName {
  return (BACKENDS as readonly string[]).includes(name)
}

/**
 * The executor for `name`. A missing optional dependency or an unregistered backend is a
 * UserError whose hint names the install command and `--backend ts`.
 */
export async function resolveExecutor(name: string, options: ExecutorOptions = {}): Promise<Executor> {
  if (!isBackendName(name)) {
    throw new UserError(
      'BACKEND_UNKNOWN',
      `--backend ${name} is not a backend`,
      `choose one of: ${BACKENDS.join(', ')}`,
    )
  }
  for (const dependency of BACKEND_DEPENDENCIES[name]) await requireDependency(name, dependency)
  const loader = EXECUTORS[name]
  if (!loader) {
    throw new UserError(
      'BACKEND_UNAVAILABLE',
      `backend ${name} is not available in this build: its executor is not registered in src/domain/train/executor.ts`,
      'train with `--backend ts`',
    )
  }
  return loader(options)
}

/**
 * Throws the actionable missing-dependency error when `dependency` cannot be imported. Optional
 * dependencies load through the drift loader, so the drift matrix can hide them and the install
 * hint carries the version package.json pins.
 */
export async function requireDependency(backend: BackendName, dependency: string): Promise<void> {
  try {
    if (isOptionalDependency(dependency)) await loadOptional(dependency)
    else await import(/* @vite-ignore */ dependency)
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    const missing =
      error instanceof MissingDependencyError
        ? error.reason !== 'failed-to-load'
        : code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND'
    throw new UserError(
      'BACKEND_DEPENDENCY_MISSING',
      missing
        ? `backend ${backend} needs the optional package ${dependency}, which is not installed`
        : `backend ${backend} needs ${dependency}, which failed to load: ${errorMessage(error instanceof MissingDependencyError ? (error.cause ?? error) : error).split('\n')[0]}`,
      `install it with \`${installCommand(dependency)}\`, or train on the built-in executor with \`--backend ts\``,
    )
  }
}
