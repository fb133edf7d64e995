/**
 * Built-in kinds that are cluster-scoped: their namespace, if one is written, means nothing. kustomize
 * knows the same ones from its built-in OpenAPI data (kyaml `resid.Gvk.IsClusterScoped`); custom kinds
 * count as namespaced there, as they do here.
 */
const CLUSTER_SCOPED = new Set([
  "APIService", "CertificateSigningRequest", "ClusterRole", "ClusterRoleBinding", "ClusterTrustBundle", "ComponentStatus",
  "CSIDriver", "CSINode", "CustomResourceDefinition", "DeviceClass", "FlowSchema", "IngressClass", "IPAddress",
  "MutatingAdmissionPolicy", "MutatingAdmissionPolicyBinding", "MutatingWebhookConfiguration", "Namespace", "Node",
  "PersistentVolume", "PodSecurityPolicy", "PriorityClass", "PriorityLevelConfiguration", "RuntimeClass", "ServiceCIDR",
  "StorageClass", "StorageVersion", "ValidatingAdmissionPolicy", "ValidatingAdmissionPolicyBinding",
  "ValidatingWebhookConfiguration", "VolumeAttachment", "VolumeAttributesClass",
]);

export function isClusterScopedKind(kind: string): boolean {
  return CLUSTER_SCOPED.has(kind);
}
