export function bundleAction(dir: string): Promise<string>;
export function distPath(dir: string): string;
export function committedBundle(dir: string): string;
