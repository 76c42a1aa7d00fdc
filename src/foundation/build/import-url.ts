/** What the code-cached CLI bundle's `import.meta` carries besides `url` and `resolve` (src/app/cli/bin.ts). */
interface LoaderMeta {
  importUrl?: (url: string) => Promise<unknown>
}

/**
 * `import(url)` of an absolute URL. Inside the code-cached CLI bundle, a `vm.Script` that Node 20
 * lets import only behind `--experimental-vm-modules`, it goes through the loader's own `import()`,
 * handed in as `import.meta.importUrl`; everywhere else it is the plain `import()`.
 */
export function importUrl(url: string): Promise<unknown> {
  const loader = (import.meta as ImportMeta & LoaderMeta).importUrl
  return loader ? loader(url) : import(url)
}
