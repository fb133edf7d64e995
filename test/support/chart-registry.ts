import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { ensureHelm, TOOL_ENV } from "./helm.js";

// Chart registries on 127.0.0.1 for `--pull-charts` tests: no network beyond this machine. Charts are packaged and
// indexed by the real Helm; the servers only hand out bytes, as a static web server and a registry would.

export interface Served {
  /** `http://127.0.0.1:<port>` */
  url: string;
  /** `127.0.0.1:<port>` */
  host: string;
  /** Every request, as `METHOD /path`, in order. */
  requests: string[];
  close(): Promise<void>;
}

/** Writes a chart's files into `dir/<name>` and packages it with `helm package` into `into`; returns the .tgz path. */
export function packageChart(dir: string, name: string, files: Record<string, string>, into: string): string {
  const chartDir = path.join(dir, name);
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(chartDir, file)), { recursive: true });
    writeFileSync(path.join(chartDir, file), text);
  }
  mkdirSync(into, { recursive: true });
  const out = execFileSync(ensureHelm(), ["package", chartDir, "--destination", into], { encoding: "utf8", env: { ...process.env, ...TOOL_ENV } });
  return /saved it to: (.+\.tgz)/.exec(out)![1]!.trim();
}

/** An HTTP Helm repository: `dir` (packaged charts) indexed by `helm repo index` and served as static files. */
export function serveHelmRepository(dir: string): Promise<Served> {
  execFileSync(ensureHelm(), ["repo", "index", dir], { env: { ...process.env, ...TOOL_ENV } });
  return serve((request, response) => {
    const file = path.join(dir, decodeURIComponent(new URL(request.url ?? "/", "http://x").pathname));
    if (!file.startsWith(dir + path.sep) || !existsSync(file) || !statSync(file).isFile()) return respond(response, 404, "text/plain", Buffer.from("not found"));
    respond(response, 200, file.endsWith(".yaml") ? "application/x-yaml" : "application/gzip", readFileSync(file));
  });
}

export interface OciChart {
  /** Repository path in the registry, e.g. `charts/web`. */
  repository: string;
  /** The tag (Helm tags a chart with its version). */
  tag: string;
  tgz: string;
}

/**
 * A read-only OCI distribution endpoint holding Helm charts as `helm push` stores them: a manifest whose config
 * is Helm's config media type and whose one layer is the chart archive; `/v2/`, manifests by tag or digest, blobs,
 * and tags/list. Plain HTTP, so Helm reaches it only with `--plain-http`.
 */
export function serveOciRegistry(charts: OciChart[]): Promise<Served & { digestOf(repository: string, tag: string): string }> {
  const blobs = new Map<string, Buffer>();
  const manifests = new Map<string, { digest: string; body: Buffer }>(); // `<repository>:<tag>` and `<repository>@<digest>`
  const addBlob = (bytes: Buffer): { digest: string; size: number } => {
    const digest = sha256(bytes);
    blobs.set(digest, bytes);
    return { digest, size: bytes.length };
  };
  for (const chart of charts) {
    const config = Buffer.from(JSON.stringify({ apiVersion: "v2", name: path.posix.basename(chart.repository), version: chart.tag }));
    const body = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: "application/vnd.oci.image.manifest.v1+json",
        config: { mediaType: "application/vnd.cncf.helm.config.v1+json", ...addBlob(config) },
        layers: [{ mediaType: "application/vnd.cncf.helm.chart.content.v1.tar+gzip", ...addBlob(readFileSync(chart.tgz)) }],
      }),
    );
    const manifest = { digest: sha256(body), body };
    manifests.set(`${chart.repository}:${chart.tag}`, manifest);
    manifests.set(`${chart.repository}@${manifest.digest}`, manifest);
  }
  const notFound = (code: string): Buffer => Buffer.from(JSON.stringify({ errors: [{ code, message: code.toLowerCase().replace(/_/g, " ") }] }));
  return serve((request, response) => {
    const url = new URL(request.url ?? "/", "http://x").pathname;
    if (url === "/v2/") return respond(response, 200, "application/json", Buffer.from("{}"));
    const manifest = /^\/v2\/(.+)\/manifests\/(.+)$/.exec(url);
    if (manifest) {
      const found = manifests.get(`${manifest[1]}${manifest[2]!.startsWith("sha256:") ? "@" : ":"}${manifest[2]}`);
      if (!found) return respond(response, 404, "application/json", notFound("MANIFEST_UNKNOWN"));
      return respond(response, 200, "application/vnd.oci.image.manifest.v1+json", found.body, { "docker-content-digest": found.digest });
    }
    const blob = /^\/v2\/.+\/blobs\/(.+)$/.exec(url);
    if (blob) {
      const bytes = blobs.get(blob[1]!);
      return bytes ? respond(response, 200, "application/octet-stream", bytes, { "docker-content-digest": blob[1]! }) : respond(response, 404, "application/json", notFound("BLOB_UNKNOWN"));
    }
    const tags = /^\/v2\/(.+)\/tags\/list$/.exec(url);
    if (tags) {
      const list = charts.filter((c) => c.repository === tags[1]).map((c) => c.tag);
      if (list.length === 0) return respond(response, 404, "application/json", notFound("NAME_UNKNOWN"));
      return respond(response, 200, "application/json", Buffer.from(JSON.stringify({ name: tags[1], tags: list })));
    }
    respond(response, 404, "application/json", notFound("NAME_UNKNOWN"));
  }).then((served) => ({ ...served, digestOf: (repository: string, tag: string) => manifests.get(`${repository}:${tag}`)!.digest }));
}

/** A port on 127.0.0.1 that nothing listens on (a server was there and is closed). */
export async function deadUrl(): Promise<string> {
  const served = await serve((_, response) => respond(response, 500, "text/plain", Buffer.alloc(0)));
  await served.close();
  return served.url;
}

function serve(handler: http.RequestListener): Promise<Served> {
  const requests: string[] = [];
  const server = http.createServer((request, response) => {
    requests.push(`${request.method} ${request.url}`);
    handler(request, response);
  });
  return new Promise((resolve) => {
    server.listen(0, "127.0.0.1", () => {
      const host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
      resolve({
        url: `http://${host}`,
        host,
        requests,
        close: () =>
          new Promise<void>((done) => {
            server.closeAllConnections();
            server.close(() => done());
          }),
      });
    });
  });
}

function respond(response: http.ServerResponse, status: number, type: string, body: Buffer, headers: Record<string, string> = {}): void {
  response.writeHead(status, { "content-type": type, "content-length": body.length, ...headers });
  response.end(response.req.method === "HEAD" ? undefined : body);
}

function sha256(bytes: Buffer): string {
  return `sha256:${createHash("sha256").update(bytes).digest("hex")}`;
}
