export declare const HUSKY_STUB: string
export declare const FAST_STUB: string
export declare function fastHuskyRunner(h: string): string | undefined
export declare function speedUpHusky(dir: string): string[]
export declare function keepHuskyFast(root: string): string[]
