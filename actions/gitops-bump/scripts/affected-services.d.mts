export function affectedServices(configText: string, turboJson: string, changedFiles: string): string[];
