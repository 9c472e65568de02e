// Offline validation of rendered objects against the Kubernetes API schemas (kubernetes-models, generated
// from the Kubernetes OpenAPI spec) and the CRD schemas of Argo CD and External Secrets Operator.
// Limitation: these validators check types, required fields, enums and formats, but do not reject unknown
// fields; the invariant tests check the fields that matter by name.
import { ConfigMap, Namespace, Secret, Service, ServiceAccount } from 'kubernetes-models/v1';
import { Deployment, StatefulSet } from 'kubernetes-models/apps/v1';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';
import { Ingress, NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1';
import {
  ClusterRole,
  ClusterRoleBinding,
  Role,
  RoleBinding,
} from 'kubernetes-models/rbac.authorization.k8s.io/v1';
import { AppProject, Application } from '@kubernetes-models/argo-cd/argoproj.io/v1alpha1';
import {
  ClusterSecretStore,
  ExternalSecret,
} from '@kubernetes-models/external-secrets/external-secrets.io/v1beta1';
import type { K8sObject } from './render.js';

type Validating = { validate(): void };
type Factory = (data: K8sObject) => Validating;

// external-secrets.io/v1 is v1beta1 promoted with an identical schema (ESO 0.16+ serves only v1 from 0.17),
// and the models package carries only the v1beta1 schema: v1 objects are checked against it.
const asV1beta1 = (o: K8sObject): K8sObject => ({ ...o, apiVersion: 'external-secrets.io/v1beta1' });

const MODELS: Record<string, Factory> = {
  'v1/ConfigMap': (o) => new ConfigMap(o as never),
  'v1/Namespace': (o) => new Namespace(o as never),
  'v1/Secret': (o) => new Secret(o as never),
  'v1/Service': (o) => new Service(o as never),
  'v1/ServiceAccount': (o) => new ServiceAccount(o as never),
  'apps/v1/Deployment': (o) => new Deployment(o as never),
  'apps/v1/StatefulSet': (o) => new StatefulSet(o as never),
  'autoscaling/v2/HorizontalPodAutoscaler': (o) => new HorizontalPodAutoscaler(o as never),
  'policy/v1/PodDisruptionBudget': (o) => new PodDisruptionBudget(o as never),
  'networking.k8s.io/v1/Ingress': (o) => new Ingress(o as never),
  'networking.k8s.io/v1/NetworkPolicy': (o) => new NetworkPolicy(o as never),
  'rbac.authorization.k8s.io/v1/Role': (o) => new Role(o as never),
  'rbac.authorization.k8s.io/v1/RoleBinding': (o) => new RoleBinding(o as never),
  'rbac.authorization.k8s.io/v1/ClusterRole': (o) => new ClusterRole(o as never),
  'rbac.authorization.k8s.io/v1/ClusterRoleBinding': (o) => new ClusterRoleBinding(o as never),
  'argoproj.io/v1alpha1/Application': (o) => new Application(o as never),
  'argoproj.io/v1alpha1/AppProject': (o) => new AppProject(o as never),
  'external-secrets.io/v1/ExternalSecret': (o) => new ExternalSecret(asV1beta1(o) as never),
  'external-secrets.io/v1/ClusterSecretStore': (o) => new ClusterSecretStore(asV1beta1(o) as never),
};

/** Schema errors of one object ([] when valid). An apiVersion/kind without a schema is an error. */
export function schemaErrors(o: K8sObject): string[] {
  const id = `${o.apiVersion}/${o.kind}`;
  const factory = MODELS[id];
  if (!factory) return [`${id} ${o.metadata?.name}: no schema carried for this apiVersion/kind`];
  try {
    factory(o).validate();
    return [];
  } catch (err) {
    return [`${id} ${o.metadata?.name}: ${(err as Error).message}`];
  }
}
