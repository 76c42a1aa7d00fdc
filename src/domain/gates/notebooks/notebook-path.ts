/** True for paths the notebook reader handles. */
export function isNotebookPath(path: string): boolean {
  return path.toLowerCase().endsWith('.ipynb')
}
