// A small evaluator of Kubernetes NetworkPolicy semantics, used to compare the rendered policies with
// the seed's table of who may talk to whom. It follows the API's rules: a pod is isolated for a direction
// once any policy with that policyType selects it; traffic then needs a matching rule on the sending
// side (egress) and on the receiving side (ingress), and policies are additive.
import type { K8sObject } from './render.js';

export type Labels = Record<string, string>;
/** A pod (labels, namespace, IP) or an address outside the cluster (IP only). */
export type Endpoint = { name: string; ip: string; pod?: { namespace: string; labels: Labels } };
export type Namespaces = Record<string, Labels>;

type Selector = {
  matchLabels?: Labels;
  matchExpressions?: { key: string; operator: string; values?: string[] }[];
};
type Peer = {
  podSelector?: Selector;
  namespaceSelector?: Selector;
  ipBlock?: { cidr: string; except?: string[] };
};
type PortRule = { port?: number | string; endPort?: number; protocol?: string };
type Rule = { from?: Peer[]; to?: Peer[]; ports?: PortRule[] };

export function matches(selector: Selector | undefined, labels: Labels): boolean {
  if (!selector) return true;
  for (const [k, v] of Object.entries(selector.matchLabels ?? {})) if (labels[k] !== v) return false;
  for (const e of selector.matchExpressions ?? []) {
    const has = Object.hasOwn(labels, e.key);
    const value = labels[e.key];
    const ok =
      e.operator === 'In'
        ? has && (e.values ?? []).includes(value!)
        : e.operator === 'NotIn'
          ? !has || !(e.values ?? []).includes(value!)
          : e.operator === 'Exists'
            ? has
            : e.operator === 'DoesNotExist'
              ? !has
              : (() => {
                  throw new Error(`unknown selector operator ${e.operator}`);
                })();
    if (!ok) return false;
  }
  return true;
}

function ipToInt(ip: string): number {
  const parts = ip.split('.').map(Number);
  if (parts.length !== 4 || parts.some((p) => !Number.isInteger(p) || p < 0 || p > 255))
    throw new Error(`not an IPv4 address: ${ip}`);
  return parts.reduce((acc, p) => acc * 256 + p, 0);
}

export function inCidr(ip: string, cidr: string): boolean {
  const [base, bitsText] = cidr.split('/');
  const bits = Number(bitsText);
  const size = 2 ** (32 - bits);
  const start = Math.floor(ipToInt(base!) / size) * size;
  const value = ipToInt(ip);
  return value >= start && value < start + size;
}

function peerMatches(peer: Peer, policyNamespace: string, other: Endpoint, namespaces: Namespaces): boolean {
  if (peer.ipBlock) {
    return (
      inCidr(other.ip, peer.ipBlock.cidr) && !(peer.ipBlock.except ?? []).some((c) => inCidr(other.ip, c))
    );
  }
  if (!other.pod) return false; // pod and namespace selectors select pods only
  if (peer.namespaceSelector) {
    const nsLabels = namespaces[other.pod.namespace] ?? {
      'kubernetes.io/metadata.name': other.pod.namespace,
    };
    if (!matches(peer.namespaceSelector, nsLabels)) return false;
  } else if (other.pod.namespace !== policyNamespace) {
    return false;
  }
  return matches(peer.podSelector, other.pod.labels);
}

function portMatches(rules: PortRule[] | undefined, port: number, protocol: string): boolean {
  if (!rules || rules.length === 0) return true;
  return rules.some((r) => {
    if ((r.protocol ?? 'TCP') !== protocol) return false;
    if (r.port === undefined) return true;
    if (typeof r.port === 'string')
      throw new Error(`named port ${r.port}: the evaluator needs numeric ports`);
    return r.endPort === undefined ? r.port === port : port >= r.port && port <= r.endPort;
  });
}

function side(
  policies: K8sObject[],
  self: Endpoint,
  other: Endpoint,
  port: number,
  protocol: string,
  direction: 'Ingress' | 'Egress',
  namespaces: Namespaces,
): boolean {
  if (!self.pod) return true; // not a pod of the cluster: no policy applies to it
  const pod = self.pod;
  const selecting = policies.filter(
    (p) =>
      (p.metadata.namespace ?? '') === pod.namespace &&
      matches(p.spec.podSelector, pod.labels) &&
      (
        (p.spec.policyTypes as string[] | undefined) ??
        (direction === 'Ingress' || p.spec.egress ? [direction] : [])
      ).includes(direction),
  );
  if (selecting.length === 0) return true;
  return selecting.some((p) =>
    (((direction === 'Ingress' ? p.spec.ingress : p.spec.egress) as Rule[] | undefined) ?? []).some(
      (rule) => {
        const peers = direction === 'Ingress' ? rule.from : rule.to;
        const peerOk =
          !peers ||
          peers.length === 0 ||
          peers.some((peer) => peerMatches(peer, pod.namespace, other, namespaces));
        return peerOk && portMatches(rule.ports, port, protocol);
      },
    ),
  );
}

/** Whether `from` may open a connection to `to` on port/protocol under the given NetworkPolicies. */
export function allowed(
  policies: K8sObject[],
  from: Endpoint,
  to: Endpoint,
  port: number,
  protocol = 'TCP',
  namespaces: Namespaces = {},
): boolean {
  const nps = policies.filter((p) => p.kind === 'NetworkPolicy');
  return (
    side(nps, from, to, port, protocol, 'Egress', namespaces) &&
    side(nps, to, from, port, protocol, 'Ingress', namespaces)
  );
}
