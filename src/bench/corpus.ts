/**
 * A deterministic synthetic corpus shaped like rendered platform repositories: per "chart", workloads
 * with probes and env, services, config maps, RBAC, Helm hook Jobs with shell scripts, a Flux
 * HelmRelease, and large CRDs (deep openAPIV3Schema with long descriptions, anchors and merge keys).
 * With `faulty`, the charts also carry the mistakes real charts make (see FAULTS), so that a run has
 * hundreds of findings to place, as a real repository does. Used by `npm run bench` and by tests that
 * need big inputs; never written into the repository.
 */

export interface CorpusFile {
  name: string;
  text: string;
}

/** mulberry32: small, fast, seeded. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const WORDS = "the of field specifies when controller reconciles resource value must be set otherwise default applies this to and a is in for with on that by from as selector label template container volume mount port probe".split(" ");

function sentence(random: () => number, words: number): string {
  const out: string[] = [];
  for (let i = 0; i < words; i++) out.push(WORDS[Math.floor(random() * WORDS.length)]!);
  return out.join(" ");
}

/**
 * Mistakes of real charts, each a finding in the corpus: a single-replica Deployment rolling onto its
 * ReadWriteOnce claim, readiness and liveness probes that are the same check, a release label in the
 * selector, a Recreate strategy, an optional ConfigMap reference in the environment, an env variable
 * listed twice, and a hook that waits for a database up to ten minutes.
 */
export type Fault = "rwo-claim" | "same-probes" | "release-label-selector" | "recreate" | "optional-env" | "duplicate-env" | "long-hook-wait";

/** Which faults chart `index`'s deployment `i` has: about three per chart, as many as real renders have. */
function faultsOf(index: number, i: number): Fault[] {
  const faults: Fault[] = [];
  if (i === 0) faults.push("rwo-claim");
  if (i === 1 && index % 2 === 0) faults.push("same-probes");
  if (i === 2 && index % 3 === 0) faults.push("release-label-selector");
  if (i === 4 && index % 4 === 1) faults.push("recreate");
  if (i === 5 && index % 3 === 0) faults.push("optional-env");
  if (i === 8 && index % 4 === 0) faults.push("duplicate-env");
  return faults;
}

function deployment(chart: string, i: number, random: () => number, kind = "Deployment", faults: Fault[] = []): string {
  const name = `${chart}-app-${i}`;
  const variables = Array.from({ length: 4 + Math.floor(random() * 8) }, (_, j) => `            - name: VAR_${j}\n              value: "${sentence(random, 3)}"`);
  if (faults.includes("duplicate-env")) variables.push(`            - name: VAR_0\n              value: "override"`);
  if (faults.includes("optional-env")) {
    variables.push(`            - name: EXTERNAL_URL\n              valueFrom:\n                configMapKeyRef:\n                  name: ${chart}-external\n                  key: url\n                  optional: true`);
  }
  const env = variables.join("\n");
  const readiness = faults.includes("same-probes") ? "httpGet: { path: /healthz, port: http }" : "httpGet: { path: /ready, port: http }";
  const claim = faults.includes("rwo-claim");
  return `# Source: ${chart}/templates/${kind.toLowerCase()}-${i}.yaml
apiVersion: apps/v1
kind: ${kind}
metadata:
  name: ${name}
  namespace: ${chart}
  labels: &labels
    app.kubernetes.io/name: ${name}
    app.kubernetes.io/instance: ${chart}
    helm.sh/chart: ${chart}-1.2.${i}
spec:
  replicas: ${claim ? 1 : 1 + (i % 3)}
${kind === "StatefulSet" ? `  serviceName: ${name}-headless\n` : ""}${faults.includes("recreate") ? "  strategy:\n    type: Recreate\n" : ""}  selector:
    matchLabels:
      app.kubernetes.io/name: ${name}
${faults.includes("release-label-selector") ? `      helm.sh/chart: ${chart}-1.2.${i}\n` : ""}  template:
    metadata:
      labels:
        <<: *labels
      annotations:
        checksum/config: "${Math.floor(random() * 1e15).toString(16)}"
    spec:
      serviceAccountName: ${chart}
      securityContext:
        runAsNonRoot: true
        fsGroup: 1001
      containers:
        - name: main
          image: "registry.example.com/${chart}/app:${i}.0.${Math.floor(random() * 50)}"
          imagePullPolicy: IfNotPresent
          args: ["--port=8080", "--log-level=info"]
          ports:
            - name: http
              containerPort: 8080
          env:
${env}
          livenessProbe:
            httpGet: { path: /healthz, port: http }
            initialDelaySeconds: 10
          readinessProbe:
            ${readiness}
          resources:
            requests: { cpu: 100m, memory: 128Mi }
            limits: { memory: 256Mi }
          volumeMounts:
            - name: config
              mountPath: /etc/${chart}
${claim ? "            - name: data\n              mountPath: /var/lib/data\n" : ""}      volumes:
        - name: config
          configMap:
            name: ${chart}-config-${i}
${claim ? `        - name: data\n          persistentVolumeClaim:\n            claimName: ${chart}-data\n` : ""}`;
}

function claim(chart: string): string {
  return `# Source: ${chart}/templates/pvc.yaml
apiVersion: v1
kind: PersistentVolumeClaim
metadata:
  name: ${chart}-data
  namespace: ${chart}
spec:
  accessModes:
    - ReadWriteOnce
  resources:
    requests:
      storage: 8Gi
`;
}

function service(chart: string, i: number): string {
  return `# Source: ${chart}/templates/service-${i}.yaml
apiVersion: v1
kind: Service
metadata:
  name: ${chart}-app-${i}
  namespace: ${chart}
spec:
  type: ClusterIP
  ports:
    - name: http
      port: 80
      targetPort: http
  selector:
    app.kubernetes.io/name: ${chart}-app-${i}
`;
}

function configMap(chart: string, i: number, random: () => number): string {
  const lines = Array.from({ length: 10 + Math.floor(random() * 30) }, (_, j) => `    key.${j} = ${sentence(random, 6)}`).join("\n");
  return `# Source: ${chart}/templates/configmap-${i}.yaml
apiVersion: v1
kind: ConfigMap
metadata:
  name: ${chart}-config-${i}
  namespace: ${chart}
data:
  app.properties: |
${lines}
  LOG_LEVEL: info
`;
}

function rbac(chart: string): string {
  return `# Source: ${chart}/templates/rbac.yaml
apiVersion: v1
kind: ServiceAccount
metadata:
  name: ${chart}
  namespace: ${chart}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata:
  name: ${chart}
  namespace: ${chart}
rules:
  - apiGroups: [""]
    resources: ["configmaps", "secrets"]
    verbs: ["get", "list", "watch"]
  - apiGroups: ["*"]
    resources: ["*"]
    verbs: ["get"]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata:
  name: ${chart}
  namespace: ${chart}
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: Role
  name: ${chart}
subjects:
  - kind: ServiceAccount
    name: ${chart}
    namespace: ${chart}
`;
}

function hook(chart: string, i: number, random: () => number, waitsLong = false): string {
  const steps = Array.from({ length: 8 + Math.floor(random() * 12) }, (_, j) =>
    `              if [ -f /data/step-${j} ]; then echo "step ${j} done"; else ./migrate --step ${j} && touch /data/step-${j}; fi`,
  );
  if (waitsLong) steps.unshift(`              for i in $(seq 1 120); do pg_isready -h ${chart}-db -t 2 && break; sleep 5; done`);
  const script = steps.join("\n");
  return `# Source: ${chart}/templates/hooks/job-${i}.yaml
apiVersion: batch/v1
kind: Job
metadata:
  name: ${chart}-migrate-${i}
  namespace: ${chart}
  annotations:
    "helm.sh/hook": pre-upgrade,pre-install
    "helm.sh/hook-weight": "${i}"
    "helm.sh/hook-delete-policy": before-hook-creation,hook-succeeded
spec:
  backoffLimit: 2
  activeDeadlineSeconds: 600
  template:
    spec:
      restartPolicy: Never
      containers:
        - name: migrate
          image: registry.example.com/${chart}/migrate:1.0.0
          command:
            - /bin/sh
            - -ec
            - |
              set -o pipefail
${script}
`;
}

function helmRelease(chart: string): string {
  return `# Source: platform/templates/helmrelease-${chart}.yaml
apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata:
  name: ${chart}
  namespace: flux-system
spec:
  interval: 10m
  timeout: 10m
  targetNamespace: ${chart}
  chart:
    spec:
      chart: ${chart}
      version: 1.2.3
      sourceRef:
        kind: HelmRepository
        name: platform
  install:
    remediation:
      retries: 3
  upgrade:
    remediation:
      retries: 3
  values:
    replicaCount: 2
    image:
      tag: "1.2.3"
`;
}

/** A CRD whose schema nests `depth` levels of objects with `width` properties each. */
function crd(chart: string, i: number, random: () => number, width: number, depth: number): string {
  const props = (indent: string, level: number): string => {
    const out: string[] = [];
    for (let p = 0; p < width; p++) {
      const name = `field${level}x${p}`;
      out.push(`${indent}${name}:`);
      out.push(`${indent}  description: ${sentence(random, 12 + Math.floor(random() * 20))}`);
      if (level < depth && p < 3) {
        out.push(`${indent}  type: object`);
        out.push(`${indent}  properties:`);
        out.push(props(`${indent}    `, level + 1));
      } else if (p % 4 === 1) {
        out.push(`${indent}  type: array`);
        out.push(`${indent}  items:`);
        out.push(`${indent}    type: string`);
      } else {
        out.push(`${indent}  type: ${p % 3 === 0 ? "integer" : "string"}`);
        if (p % 5 === 0) out.push(`${indent}  x-kubernetes-int-or-string: true`);
      }
    }
    return out.join("\n");
  };
  return `# Source: ${chart}/crds/crd-${i}.yaml
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: widgets${i}.${chart}.example.com
  annotations:
    controller-gen.kubebuilder.io/version: v0.16.0
spec:
  group: ${chart}.example.com
  names:
    kind: Widget${i}
    plural: widgets${i}
    singular: widget${i}
    listKind: Widget${i}List
  scope: Namespaced
  versions:
    - name: v1
      served: true
      storage: true
      subresources:
        status: {}
      schema:
        openAPIV3Schema:
          type: object
          properties:
            spec:
              type: object
              properties:
${props("                ", 1)}
`;
}

/** One rendered chart: about 50 documents and 200 KB, plus a large CRD in every third chart; `faulty`: with the mistakes of FAULTS. */
export function renderChart(index: number, seed = 1, faulty = false): CorpusFile {
  const random = prng(seed * 100_003 + index);
  const chart = `chart${index}`;
  const docs: string[] = [rbac(chart), helmRelease(chart)];
  if (faulty) docs.push(claim(chart));
  for (let i = 0; i < 9; i++) {
    const kind = i % 4 === 3 ? "StatefulSet" : "Deployment";
    docs.push(configMap(chart, i, random), deployment(chart, i, random, kind, faulty && kind === "Deployment" ? faultsOf(index, i) : []), service(chart, i));
  }
  for (let i = 0; i < 3; i++) docs.push(hook(chart, i, random, faulty && i === 0 && index % 3 === 1));
  for (let i = 0; i < 15; i++) docs.push(configMap(chart, 100 + i, random));
  if (index % 3 === 0) docs.push(crd(chart, 0, random, 10, 5));
  docs.push(crd(chart, 1, random, 6, 2));
  return { name: `${chart}.yaml`, text: `---\n${docs.join("---\n")}` };
}

/** Charts until the corpus has at least `minBytes` and `minDocuments`. */
export function generateCorpus(options: { minBytes: number; minDocuments: number; seed?: number; faulty?: boolean }): CorpusFile[] {
  const files: CorpusFile[] = [];
  let bytes = 0;
  let documents = 0;
  for (let i = 0; bytes < options.minBytes || documents < options.minDocuments; i++) {
    const file = renderChart(i, options.seed ?? 1, options.faulty);
    files.push(file);
    bytes += Buffer.byteLength(file.text);
    documents += file.text.split(/^---$/m).length - 1;
  }
  return files;
}
