/** Shell-style name globs (`*` any run, `?` one character), matched case-insensitively against a whole name. */
export function globToRegExp(glob: string): RegExp {
  const body = glob.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".");
  return new RegExp(`^${body}$`, "i");
}

export function matchesAnyGlob(name: string, globs: readonly RegExp[]): boolean {
  return globs.some((g) => g.test(name));
}
