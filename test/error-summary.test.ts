import { describe, expect, it } from "vitest";
import { errorSummary } from "../src/render/context.js";
import { withoutWrapperAttempt } from "../src/render/kustomize.js";

describe("errorSummary", () => {
  it("joins Helm 4's error block (the include chain, then the cause) and leaves out its log lines", () => {
    const stderr = [
      'level=INFO msg="found symbolic link in path. Contents of linked file included and used" path=chart-1/README.md resolved=charts/a/README.md',
      'level=WARN msg="this chart is deprecated"',
      "Error: a/templates/x.yaml:26:12",
      '  executing "a/templates/x.yaml" at <include "a.checksum" .>:',
      "    error calling include:",
      "a/templates/_helpers.tpl:180:52",
      '  executing "a.checksum" at <.Values.config>:',
      "    wrong type for value; expected string; got interface {}",
      "",
      "Use --debug flag to render out invalid YAML",
    ].join("\n");
    expect(errorSummary(stderr)).toBe(
      'a/templates/x.yaml:26:12 executing "a/templates/x.yaml" at <include "a.checksum" .>: error calling include: a/templates/_helpers.tpl:180:52 executing "a.checksum" at <.Values.config>: wrong type for value; expected string; got interface {}',
    );
  });

  it("reads kubectl's klog lines and takes the first lines when nothing says Error", () => {
    // klog quotes the error as Go does: the text inside, unquoted
    expect(errorSummary('E1201 13:38:04.904479    3346 run.go:72] "command failed" err="accumulating resources from \'../k\': \\"x\\" missing"\n')).toBe("accumulating resources from '../k': \"x\" missing");
    expect(errorSummary("one\ntwo\nthree\nfour\n")).toBe("one; two; three");
    expect(errorSummary("\n\n")).toBe("no error message");
  });
});

describe("a kustomize error without the wrapper's first try at its target (src/render/kustomize.ts)", () => {
  const cause = "invalid Kustomization: json: cannot unmarshal string into Go struct field Kustomization.patches of type types.Patch";
  it.each([
    ["kubectl 1.33 (kustomize 5.6)", `accumulating resources: accumulation err='accumulating resources from 'k': read k: is a directory': couldn't make target for path 'k': ${cause}`],
    ["kubectl 1.32 (kustomize 5.5)", `accumulating resources: accumulation err='accumulating resources from '../k': '/tmp/kz/k' must resolve to a file': couldn't make target for path '/tmp/kz/k': ${cause}`],
  ])("%s", (_version, message) => {
    expect(withoutWrapperAttempt(message)).toBe(cause);
  });

  it("keeps what a base it reaches says, and an error of another shape whole", () => {
    const nested = `accumulating resources: accumulation err='accumulating resources from '../base': read ../base: is a directory': couldn't make target for path '../base': ${cause}`;
    expect(withoutWrapperAttempt(`accumulating resources: accumulation err='accumulating resources from 'k': read k: is a directory': recursed accumulation of path 'k': ${nested}`)).toBe(nested);
    expect(withoutWrapperAttempt("must build at directory: not a valid directory")).toBe("must build at directory: not a valid directory");
  });
});
