// Types of scripts/build-kernel.mjs for the TypeScript that imports it (bench/kernel/startup.ts).
export declare const ROOT: string
export declare const KERNEL_DIST: string
export declare const KERNEL_INPUTS: string[]
export declare function kernelStale(outdir?: string): boolean
export declare function buildKernel(options?: { outdir?: string }): Promise<{ outdir: string; main: string }>
