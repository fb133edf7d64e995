import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { ensureHelm } from "./helm.js";

/**
 * Helm's directories inside `home`, Helm and Node first on PATH. A plugin installed from a local directory
 * lands in $HELM_DATA_HOME/plugins whatever HELM_PLUGINS says (helm/helm#32646:
 * internal/plugin/installer/local_installer.go LocalInstaller.Path), so both point there.
 */
export function helmPluginEnv(home: string): NodeJS.ProcessEnv {
  return {
    ...process.env,
    PATH: [path.dirname(ensureHelm()), path.dirname(process.execPath), process.env.PATH].join(path.delimiter),
    HELM_DATA_HOME: path.join(home, "data"),
    HELM_PLUGINS: path.join(home, "data", "plugins"),
    HELM_CONFIG_HOME: path.join(home, "config"),
    HELM_CACHE_HOME: path.join(home, "cache"),
  };
}

/** A chart whose Deployment is Recreate when `recreate` is set, in the release namespace. */
export function writeStrategyChart(dir: string): void {
  mkdirSync(path.join(dir, "templates"), { recursive: true });
  writeFileSync(path.join(dir, "Chart.yaml"), "apiVersion: v2\nname: strategy\nversion: 0.1.0\n");
  writeFileSync(path.join(dir, "values.yaml"), "recreate: false\n");
  writeFileSync(
    path.join(dir, "templates", "deployment.yaml"),
    [
      "apiVersion: apps/v1",
      "kind: Deployment",
      "metadata:",
      "  name: {{ .Release.Name }}-api",
      "  namespace: {{ .Release.Namespace }}",
      "spec:",
      "  selector: {matchLabels: {app: api}}",
      "  {{- if .Values.recreate }}",
      "  strategy:",
      "    type: Recreate",
      "  {{- end }}",
      "  template:",
      "    metadata: {labels: {app: api}}",
      "    spec:",
      "      containers: [{name: api, image: api:1}]",
      "",
    ].join("\n"),
  );
}

