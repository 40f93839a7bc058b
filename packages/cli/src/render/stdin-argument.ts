/**
 * yargs drops a lone "-" from variadic positionals, so bin.ts passes it as this sentinel (a
 * NUL cannot appear in a file name) and commands that read paths map it back.
 */
export const STDIN_SENTINEL = '\u0000stdin';

export function toStdinSentinel(argv: readonly string[]): string[] {
  return argv.map((arg) => (arg === '-' ? STDIN_SENTINEL : arg));
}

export function fromStdinSentinel(paths: readonly string[]): string[] {
  return paths.map((path) => (path === STDIN_SENTINEL ? '-' : path));
}
