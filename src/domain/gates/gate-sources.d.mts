/** Repo-relative paths of the gate sources, as a regular expression's source. */
export declare const GATE_SOURCES: string
