export const ROOT_BUILD_INPUTS: string[];
export function allServices(configText: string): string[];
export function affectedServices(configText: string, turboJson: string, changedFiles: string): string[];
