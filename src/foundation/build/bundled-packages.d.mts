import type { Plugin } from 'esbuild'

/** better-sqlite3: its JavaScript goes into the CLI's and the hook runner's bundles. */
export declare const BUNDLED_SQLITE: 'better-sqlite3'

/** esbuild plugin: npm packages stay external except `bundled` ones. */
export declare function externalExcept(bundled: readonly string[]): Plugin

/** A `/*! … *\/` comment with the licence of every npm package with files in `inputs`; '' when none. */
export declare function licenceComment(root: string, inputs: Record<string, unknown>): string
