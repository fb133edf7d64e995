// esbuild defines this when it bundles the CLI into one file (src/build/bundle-cli.ts); tsc's output and
// the tests run without it.
declare const GITOPS_LINT_BUNDLE_VERSION: string | undefined;

/**
 * The package version when this code runs as the single-file CLI bundle, which is often copied without
 * its package.json (the GitHub Action, a Helm plugin); undefined when it runs unbundled.
 */
export const BUNDLE_VERSION: string | undefined = typeof GITOPS_LINT_BUNDLE_VERSION === "string" ? GITOPS_LINT_BUNDLE_VERSION : undefined;
