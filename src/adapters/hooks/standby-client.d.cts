export type StandbyAnswer = { ran: true; code: number } | { ran: false; why: string }

/** Asks the work tree's standby to run the hook `argv` with `env`; relays its output. */
export declare function askStandby(
  cwd: string,
  argv: readonly string[],
  env?: NodeJS.ProcessEnv,
): Promise<StandbyAnswer>
