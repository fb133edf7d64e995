/**
 * Shell-style name globs (`*` any run, `?` one character) as one regular expression that matches a whole
 * name when any of the globs does (one test per env var, not one per glob); case-insensitively unless told.
 */
export function anyGlobRegExp(globs: readonly string[], { caseSensitive = false } = {}): RegExp {
  const bodies = globs.map((glob) => glob.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, "."));
  return new RegExp(`^(?:${bodies.join("|")})$`, caseSensitive ? "" : "i");
}
