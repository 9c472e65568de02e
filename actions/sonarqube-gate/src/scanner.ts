// The optional scanner run: the @sonar/scan npm package for one service of the monorepo.
export const SCANNER_PACKAGE = '@sonar/scan@5.0.1';

export function scannerArgs(o: {
  projectKey: string;
  baseDir: string;
  hostUrl: string;
  extra: string[];
}): string[] {
  return [
    '--yes',
    SCANNER_PACKAGE,
    `-Dsonar.projectKey=${o.projectKey}`,
    `-Dsonar.projectBaseDir=${o.baseDir}`,
    `-Dsonar.host.url=${o.hostUrl}`,
    ...o.extra,
  ];
}
