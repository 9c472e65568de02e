import { existsSync, readFileSync } from 'node:fs';
import os from 'node:os';

export interface SystemInfo {
  hostname: string;
  ipAddress: string;
  isContainer: boolean;
  isKubernetes: boolean;
}

function readOr(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}

/**
 * What the services' pages show. Unlike the original (eth0 only; "container" true on any Linux host;
 * Kubernetes hard-coded "No" in one service), this looks at every interface and at real container markers.
 */
export function systemInfo(env: NodeJS.ProcessEnv = process.env): SystemInfo {
  const addresses = Object.values(os.networkInterfaces())
    .flat()
    .filter((a): a is os.NetworkInterfaceInfo => !!a && a.family === 'IPv4' && !a.internal);
  const isKubernetes =
    !!env.KUBERNETES_SERVICE_HOST || existsSync('/var/run/secrets/kubernetes.io/serviceaccount');
  const cgroup = readOr('/proc/1/cgroup');
  const isContainer =
    isKubernetes ||
    existsSync('/.dockerenv') ||
    existsSync('/run/.containerenv') ||
    /docker|kubepods|containerd|libpod|lxc/.test(cgroup) ||
    env.container !== undefined;
  return {
    hostname: os.hostname(),
    ipAddress: addresses[0]?.address ?? 'IP not found',
    isContainer,
    isKubernetes,
  };
}
