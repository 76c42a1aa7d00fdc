export declare const DEFAULT_IDLE_MS: number

export interface StandbyPlace {
  /** `<git dir>/codex-gates/standby`, mode 0700. */
  dir: string
  /** `<dir>/hook.sock`. */
  socket: string
  /** What to connect to or listen on: the socket, relative to the work tree's top level when shorter. */
  address: string
}

/** A flag variable's value (`1`/`0` and the like), or undefined. */
export declare function flag(raw: string | undefined): boolean | undefined
/** Whether the hook may use a standby and start one (not on Windows, under CI or with CODEX_HOOK_STANDBY=0). */
export declare function standbyWanted(env?: NodeJS.ProcessEnv): boolean
/** CODEX_HOOK_STANDBY_IDLE_MS, or DEFAULT_IDLE_MS. */
export declare function standbyIdleMs(env?: NodeJS.ProcessEnv): number
/** The standby's folder and socket for the work tree whose top level is `cwd`. */
export declare function standbyPlace(cwd: string, env?: NodeJS.ProcessEnv): StandbyPlace | undefined
/** Creates `dir` mode 0700 and checks it is this user's alone: undefined, or why not. */
export declare function secureFolder(dir: string): string | undefined
/** Starts `node <command…>` detached in `cwd`, a standby for the next commit; whether it did. */
export declare function spawnStandby(cwd: string, command: readonly string[], env?: NodeJS.ProcessEnv): boolean
