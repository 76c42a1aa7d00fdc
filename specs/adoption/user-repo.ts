import { type SpawnSyncReturns, spawnSync } from 'node:child_process'
import { cpSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { AdoptionSetup } from './pack-tarball.ts'

/** What a command printed and how it ended. */
export interface Ran {
  code: number
  out: string
  ms: number
}

/**
 * The environment of a user's shell: this process's, without what Vitest, npm scripts, git hooks
 * and the spec guard put there (a nested Vitest or git would otherwise act on this repository).
 * npm's cache, registry and proxy settings stay: they are the user's. No warm ruff server.
 */
export function userEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const keep = /^npm_config_(cache|registry|userconfig|globalconfig|proxy|https_proxy|noproxy|strict_ssl|cafile)$/i
  const env: NodeJS.ProcessEnv = {}
  for (const [key, value] of Object.entries(process.env)) {
    if (/^(VITEST|CODEX_|GATES_|GIT_|HUSKY|NODE_OPTIONS$|NODE_ENV$|TEST$|FORCE_COLOR$|NO_COLOR$)/.test(key)) continue
    if (/^npm_/i.test(key) && !keep.test(key)) continue
    env[key] = value
  }
  return {
    ...env,
    NO_COLOR: '1',
    // A commit staging Python would otherwise leave a warm ruff server running 15 minutes after
    // the spec (it starts only outside CI): the ruff-server specs test it with a folder of their own.
    CODEX_RUFF_SERVER: '0',
    GIT_AUTHOR_NAME: 'Ada Adopter',
    GIT_AUTHOR_EMAIL: 'ada@example.org',
    GIT_COMMITTER_NAME: 'Ada Adopter',
    GIT_COMMITTER_EMAIL: 'ada@example.org',
    ...extra,
  }
}

/** A fresh copy of a fixture repository under a temp folder, with its own git history. */
export class UserRepo {
  readonly dir: string
  private readonly tmp: string

  constructor(fixture: string) {
    this.tmp = mkdtempSync(join(tmpdir(), 'codex-adoption-'))
    // The folder keeps the fixture's name: init names the generated package after it.
    this.dir = join(this.tmp, fixture)
    cpSync(join(import.meta.dirname, '..', 'fixtures', 'adoption', fixture), this.dir, { recursive: true })
    this.git('init', '-q', '-b', 'main')
    this.git('config', 'user.name', 'Ada Adopter')
    this.git('config', 'user.email', 'ada@example.org')
    this.git('add', '-A')
    this.git('commit', '-q', '-m', 'initial')
  }

  /** Runs a command in the repository the way a user's shell would; never throws for an exit code. */
  run(command: string, args: readonly string[], extra: Record<string, string> = {}, cwd = this.dir): Ran {
    const started = performance.now()
    const result: SpawnSyncReturns<string> = spawnSync(command, args, {
      cwd,
      env: userEnv(extra),
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
      timeout: 280_000,
    })
    const ms = Math.round(performance.now() - started)
    if (result.error) throw result.error
    return { code: result.status ?? 128, out: `${result.stdout}${result.stderr}`, ms }
  }

  /** `npx <args>` in the repository. */
  npx(...args: string[]): Ran {
    return this.run('npx', ['--no', ...args])
  }

  git(...args: string[]): Ran {
    const ran = this.run('git', args)
    if (ran.code !== 0 && args[0] !== 'commit') throw new Error(`git ${args.join(' ')} failed: ${ran.out}`)
    return ran
  }

  /**
   * `npm i -D <tarball>` as the README says, from npm's cache where it can (`--prefer-offline`);
   * better-sqlite3 from the staged prebuilt binary when there is one. `ignoreScripts`: no
   * dependency's install script runs, as npm 12 and later install them without an allowScripts entry. Returns the skip reason
   * when the registry is unreachable and the cache lacks a package.
   */
  install(setup: AdoptionSetup, options: { ignoreScripts?: boolean } = {}): Ran & { skip?: string } {
    const ran = this.run(
      'npm',
      [
        'i',
        '-D',
        setup.tarball as string,
        '--prefer-offline',
        '--no-audit',
        '--no-fund',
        ...(options.ignoreScripts ? ['--ignore-scripts'] : []),
      ],
      prebuildEnv(setup),
    )
    if (ran.code !== 0 && /ENOTCACHED|ENOTFOUND|EAI_AGAIN|ETIMEDOUT|ECONNREFUSED|ECONNRESET/.test(ran.out))
      return { ...ran, skip: `npm could not reach its registry and its cache lacks a package: ${lastErr(ran.out)}` }
    return ran
  }

  /** The temp folder holding the repository (created by this spec, so its mode may be changed). */
  get parent(): string {
    return this.tmp
  }

  remove(): void {
    rmSync(this.tmp, { recursive: true, force: true })
  }
}

/** npm's setting that points better-sqlite3's install script at the staged prebuilt binary, when there is one. */
export function prebuildEnv(setup: AdoptionSetup): Record<string, string> {
  return setup.prebuilds ? { npm_config_better_sqlite3_local_prebuilds: setup.prebuilds } : {}
}

/** A command's output without Vitest's colours and timings noise: for error messages in specs. */
export function tail(out: string, lines = 40): string {
  return out.split('\n').slice(-lines).join('\n')
}

function lastErr(out: string): string {
  return (
    out
      .split('\n')
      .filter((l) => /ERR!/.test(l))
      .slice(0, 2)
      .join(' ')
      .trim() || 'see the npm log'
  )
}
