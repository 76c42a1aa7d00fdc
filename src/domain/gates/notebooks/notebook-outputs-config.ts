/** The gate's own settings; the common ones (enabled, exclude, severity, timeout_ms) come from the runner. */
export const NOTEBOOK_OUTPUTS_DEFAULTS = {
  allow: [] as string[], // globs of notebooks that keep their outputs on purpose (rendered tutorials)
  execution_counts: false, // true: execution counts may stay (nbstripout --keep-count)
}

export type NotebookOutputsConfig = typeof NOTEBOOK_OUTPUTS_DEFAULTS
