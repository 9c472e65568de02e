export const ACTION_RUNTIME: string;
export const NODE_TARGETS: string[];
export function bundleAction(dir: string): Promise<string>;
export function distPath(dir: string): string;
export function committedBundle(dir: string): string;
