export type StandbyAnswer = { ran: true; code: number } | { ran: false; why: string }

/** With CODEX_HOOK_TRACE on, writes why the launcher runs the hook itself. */
export declare function traceWhy(answer: StandbyAnswer, env?: NodeJS.ProcessEnv): void

/** Asks the work tree's standby to run the hook `argv` with `env`; relays its output. */
export declare function askStandby(
  cwd: string,
  argv: readonly string[],
  env?: NodeJS.ProcessEnv,
): Promise<StandbyAnswer>
