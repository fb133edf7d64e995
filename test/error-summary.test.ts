import { describe, expect, it } from "vitest";
import { errorSummary } from "../src/render/context.js";

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
    expect(errorSummary('E1201 13:38:04.904479    3346 run.go:72] "command failed" err="accumulating resources: missing"\n')).toBe('"accumulating resources: missing"');
    expect(errorSummary("one\ntwo\nthree\nfour\n")).toBe("one; two; three");
    expect(errorSummary("\n\n")).toBe("no error message");
  });
});
