import type BetterSqlite3 from 'better-sqlite3'

/** The version of the JavaScript `load` returns (inside a bundle: the version that was bundled). */
export declare function version(): string

/** better-sqlite3's Database class (inside a bundle: only with `nativeBinding`). */
export declare function load(): typeof BetterSqlite3
