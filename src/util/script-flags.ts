/** `--name value` of a development script's arguments (`npm run bench -- --runs 5`), or the fallback. */
export function scriptFlags(args: readonly string[]): { (name: string, fallback: string): string; (name: string): string | undefined } {
  function flag(name: string, fallback: string): string;
  function flag(name: string): string | undefined;
  function flag(name: string, fallback?: string): string | undefined {
    const i = args.indexOf(name);
    return i !== -1 && args[i + 1] !== undefined ? args[i + 1]! : fallback;
  }
  return flag;
}
