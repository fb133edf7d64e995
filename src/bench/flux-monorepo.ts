import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";

/**
 * A Flux monorepo as `flux bootstrap` lays one out, for `npm run bench`: clusters/prod/flux-system (the root
 * Kustomization over ./clusters/prod and its GitRepository), a Kustomization that applies apps/releases (one
 * HelmRelease per chart of ./charts, from the same GitRepository), and one Kustomization per overlay of ./overlays
 * (each a kustomize overlay of a shared base). Small but real charts: helpers, include, toYaml, conditionals.
 */
export interface FluxMonorepo {
  charts: string[];
  overlays: string[];
}

export function writeFluxMonorepo(root: string, chartCount: number, overlayCount: number): FluxMonorepo {
  const write = (relative: string, text: string): void => {
    const file = path.join(root, relative);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, text);
  };
  const charts = Array.from({ length: chartCount }, (_, i) => `svc-${String(i).padStart(2, "0")}`);
  const overlays = Array.from({ length: overlayCount }, (_, i) => `env-${String(i).padStart(2, "0")}`);

  write("clusters/prod/flux-system/kustomization.yaml", "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - gotk-sync.yaml\n");
  write("clusters/prod/flux-system/gotk-sync.yaml", gotkSync());
  write("clusters/prod/releases.yaml", fluxKustomization("releases", "./apps/releases"));
  write("clusters/prod/overlays.yaml", overlays.map((o) => fluxKustomization(`overlay-${o}`, `./overlays/${o}`, o)).join("---\n"));

  write("apps/releases/kustomization.yaml", `apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - namespace.yaml\n${charts.map((c) => `  - ${c}.yaml\n`).join("")}`);
  write("apps/releases/namespace.yaml", "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: apps\n");
  charts.forEach((chart, i) => {
    write(`apps/releases/${chart}.yaml`, helmRelease(chart, i));
    write(`charts/${chart}/Chart.yaml`, `apiVersion: v2\nname: ${chart}\ndescription: Service ${chart}\ntype: application\nversion: 0.1.${i}\nappVersion: "1.${i}.0"\n`);
    write(`charts/${chart}/values.yaml`, chartValues(chart));
    write(`charts/${chart}/templates/_helpers.tpl`, helpers(chart));
    write(`charts/${chart}/templates/deployment.yaml`, deploymentTemplate(chart));
    write(`charts/${chart}/templates/service.yaml`, serviceTemplate(chart));
    write(`charts/${chart}/templates/configmap.yaml`, configMapTemplate(chart));
    write(`charts/${chart}/templates/serviceaccount.yaml`, serviceAccountTemplate(chart));
  });

  write("overlays/base/kustomization.yaml", "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - deployment.yaml\n  - service.yaml\nconfigMapGenerator:\n  - name: web-settings\n    literals:\n      - LOG_LEVEL=info\n");
  write("overlays/base/deployment.yaml", baseDeployment());
  write("overlays/base/service.yaml", "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  selector:\n    app: web\n  ports:\n    - port: 80\n      targetPort: http\n");
  overlays.forEach((overlay, i) => {
    write(
      `overlays/${overlay}/kustomization.yaml`,
      `apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - ../base\nnamePrefix: ${overlay}-\nimages:\n  - name: ghcr.io/example/web\n    newTag: "2.${i}.0"\n` +
        `patches:\n  - path: replicas.yaml\nconfigMapGenerator:\n  - name: web-settings\n    behavior: merge\n    literals:\n      - ENVIRONMENT=${overlay}\n`,
    );
    write(`overlays/${overlay}/replicas.yaml`, `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: ${2 + (i % 3)}\n`);
  });
  return { charts, overlays };
}

function gotkSync(): string {
  return `apiVersion: source.toolkit.fluxcd.io/v1
kind: GitRepository
metadata:
  name: flux-system
  namespace: flux-system
spec:
  interval: 1m0s
  ref:
    branch: main
  url: ssh://git@github.com/example/fleet
---
${fluxKustomization("flux-system", "./clusters/prod")}`;
}

function fluxKustomization(name: string, specPath: string, targetNamespace?: string): string {
  return `apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata:
  name: ${name}
  namespace: flux-system
spec:
  interval: 10m0s
  path: ${specPath}
  prune: true
  sourceRef:
    kind: GitRepository
    name: flux-system
${targetNamespace ? `  targetNamespace: ${targetNamespace}\n` : ""}`;
}

function helmRelease(chart: string, i: number): string {
  return `apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata:
  name: ${chart}
  namespace: apps
spec:
  interval: 10m
  timeout: 10m
  chart:
    spec:
      chart: ./charts/${chart}
      sourceRef:
        kind: GitRepository
        name: flux-system
        namespace: flux-system
  values:
    replicaCount: ${2 + (i % 3)}
    image:
      tag: "1.${i}.0"
    settings:
      LOG_LEVEL: info
      FEATURE_${i}: "on"
`;
}

function chartValues(chart: string): string {
  return `replicaCount: 1
image:
  repository: ghcr.io/example/${chart}
  tag: ""
  pullPolicy: IfNotPresent
serviceAccount:
  create: true
service:
  type: ClusterIP
  port: 80
resources:
  requests:
    cpu: 50m
    memory: 64Mi
  limits:
    memory: 128Mi
settings: {}
podAnnotations: {}
`;
}

function helpers(chart: string): string {
  return `{{- define "${chart}.fullname" -}}
{{- if contains .Chart.Name .Release.Name }}{{ .Release.Name | trunc 63 | trimSuffix "-" }}{{ else }}{{ printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" }}{{ end }}
{{- end }}

{{- define "${chart}.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{ include "${chart}.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{- define "${chart}.selectorLabels" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}
`;
}

/** A chart template's first lines: the object's kind and its name and labels from the chart's helpers. */
function objectHeader(apiVersion: string, kind: string, chart: string): string {
  return `apiVersion: ${apiVersion}
kind: ${kind}
metadata:
  name: {{ include "${chart}.fullname" . }}
  labels:
    {{- include "${chart}.labels" . | nindent 4 }}
`;
}

function deploymentTemplate(chart: string): string {
  return `${objectHeader("apps/v1", "Deployment", chart)}spec:
  replicas: {{ .Values.replicaCount }}
  selector:
    matchLabels:
      {{- include "${chart}.selectorLabels" . | nindent 6 }}
  template:
    metadata:
      annotations:
        checksum/config: {{ include (print $.Template.BasePath "/configmap.yaml") . | sha256sum }}
        {{- with .Values.podAnnotations }}
        {{- toYaml . | nindent 8 }}
        {{- end }}
      labels:
        {{- include "${chart}.selectorLabels" . | nindent 8 }}
    spec:
      serviceAccountName: {{ include "${chart}.fullname" . }}
      containers:
        - name: app
          image: "{{ .Values.image.repository }}:{{ .Values.image.tag | default .Chart.AppVersion }}"
          imagePullPolicy: {{ .Values.image.pullPolicy }}
          ports:
            - name: http
              containerPort: 8080
          envFrom:
            - configMapRef:
                name: {{ include "${chart}.fullname" . }}
          readinessProbe:
            httpGet:
              path: /ready
              port: http
          livenessProbe:
            httpGet:
              path: /healthz
              port: http
            failureThreshold: 6
          resources:
            {{- toYaml .Values.resources | nindent 12 }}
`;
}

function serviceTemplate(chart: string): string {
  return `${objectHeader("v1", "Service", chart)}spec:
  type: {{ .Values.service.type }}
  ports:
    - port: {{ .Values.service.port }}
      targetPort: http
      name: http
  selector:
    {{- include "${chart}.selectorLabels" . | nindent 4 }}
`;
}

function configMapTemplate(chart: string): string {
  return `${objectHeader("v1", "ConfigMap", chart)}data:
  {{- range $key, $value := .Values.settings }}
  {{ $key }}: {{ $value | quote }}
  {{- end }}
`;
}

function serviceAccountTemplate(chart: string): string {
  return `{{- if .Values.serviceAccount.create }}
${objectHeader("v1", "ServiceAccount", chart)}{{- end }}
`;
}

function baseDeployment(): string {
  return `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 1
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
        - name: web
          image: ghcr.io/example/web:1.0.0
          ports:
            - name: http
              containerPort: 8080
          envFrom:
            - configMapRef:
                name: web-settings
          readinessProbe:
            httpGet:
              path: /ready
              port: http
`;
}
