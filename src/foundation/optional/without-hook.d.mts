// Types for without-hook.mjs (plain JavaScript: it runs on Node's hooks thread).

export declare const HIDDEN_MARKER: string
export declare function parseWithout(value: string | undefined): string[]
export declare function hiddenPackage(
  specifier: string,
  parent: string | undefined,
  resolved: string | null,
  hidden: readonly string[],
): string | null
export declare function hiddenError(
  dep: string,
  specifier: string,
  parent: string | undefined,
  code: string,
): Error & { code: string }
export declare function initialize(data: { hidden?: string[] } | undefined): Promise<void>
export declare function resolve(
  specifier: string,
  context: { parentURL?: string; conditions?: string[] },
  nextResolve: (specifier: string, context: unknown) => Promise<{ url: string }>,
): Promise<{ url: string }>
