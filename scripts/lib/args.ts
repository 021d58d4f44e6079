/** Command-line options of the scripts: `--name value`, a fallback when the option is absent. */

export function textArg (name: string, fallback: string, argv: readonly string[] = process.argv): string {
  const at = argv.indexOf(`--${name}`)
  return at === -1 ? fallback : argv[at + 1] ?? fallback
}

export function numberArg (name: string, fallback: number, argv: readonly string[] = process.argv): number {
  const at = argv.indexOf(`--${name}`)
  return at === -1 ? fallback : Number(argv[at + 1])
}
