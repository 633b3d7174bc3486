#!/usr/bin/env node
/** The `marketmux` command: commander parses and writes the help; this file maps every outcome to one exit code. */
import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { ValidationError } from '../errors.js';
import { commands } from './commands.js';
import { createIo, InterruptedError, reportError, ReportedFailure, UsageError } from './output.js';
import { inline, terminalLine } from './terminal-text.js';

/** The exit codes, as the help documents them. */
export const EXIT = { ok: 0, failure: 1, usage: 2, interrupted: 130 } as const;

const ROOT_HELP = `
exit codes:
  0    ok (and Ctrl-C on listings --watch or sandbox, which run until it)
  1    a provider or network failure, including a compare or health where a configured
       provider failed (named on stderr; the other providers' results are still printed)
  2    usage or configuration: an unknown command or flag, a bad value, a missing or
       malformed key or key file (for every provider alike)
  130  interrupted by Ctrl-C (snapshot removes its partial file)

--json: listings prints NDJSON (one listing per line, as they come with --watch); every
other command prints one JSON document. Errors always go to stderr.

environment:
  CS2C_API_KEY, CS2C_API_BASE            CS2Cap key (sk_live_…) and API root
  CSBOARD_API_KEY, CSBOARD_API_BASE      CSBoard key (csb_pub_…) and API root
  KALSHI_API_KEY_ID, KALSHI_PRIVATE_KEY_PATH (or KALSHI_PRIVATE_KEY), KALSHI_API_BASE
  REDIS_URL                              share each key's limits between processes
  NO_COLOR                               no colour even on a terminal`;

/** The package version, read from the package.json shipped beside dist/. */
function packageVersion(): string {
  for (const path of ['../../../package.json', '../../package.json']) {
    try {
      const pkg = JSON.parse(readFileSync(new URL(path, import.meta.url), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'marketmux' && pkg.version) return pkg.version;
    } catch {
      // try the next place
    }
  }
  return 'unknown';
}

/** Every command gets the same error handling; `addCommand` does not copy it, so walk the tree. */
function configure(cmd: Command, write: { out: (s: string) => void; err: (s: string) => void }): void {
  cmd
    .exitOverride()
    .showSuggestionAfterError(true)
    .configureOutput({ writeOut: write.out, writeErr: write.err, outputError: (text, out) => out(text.replace(/^error: /, `marketmux${cmd.parent ? ' ' + fullName(cmd) : ''}: `)) });
  for (const sub of cmd.commands) configure(sub, write);
}

function fullName(cmd: Command): string {
  const names: string[] = [];
  for (let c: Command | null = cmd; c && c.parent; c = c.parent) names.unshift(c.name());
  return names.join(' ');
}

/** The program: every command, the version, and the documentation of exit codes, JSON and the environment. */
export function buildProgram(): Command {
  const program = new Command('marketmux')
    .description('marketmux — one client for CS2Cap, CSBoard and Kalshi')
    .version(packageVersion(), '-V, --version', 'print the version')
    .helpOption('-h, --help', 'show the help')
    .addHelpText('after', ROOT_HELP);
  for (const cmd of commands()) program.addCommand(cmd);
  for (const cmd of [program, ...program.commands]) cmd.helpOption('-h, --help', 'show this help');
  // commander's help and errors quote what was typed: the same sanitiser as every other line.
  configure(program, { out: (s) => process.stdout.write(terminalLine(s, false)), err: (s) => process.stderr.write(terminalLine(s, false)) });
  return program;
}

/** Run the command line; resolves to the exit code. */
export async function main(argv: string[]): Promise<number> {
  const io = createIo({ json: argv.includes('--json'), debug: argv.includes('--debug') });
  const program = buildProgram();
  // A group on its own (`marketmux`, `marketmux keys`) prints its help, as `--help` would.
  const group = argv.length === 0 ? program : argv.length === 1 ? program.commands.find((c) => c.name() === argv[0] && c.commands.length > 0) : undefined;
  if (group) {
    io.out(group.helpInformation().trimEnd());
    return EXIT.ok;
  }
  try {
    await program.parseAsync(argv, { from: 'user' });
    return EXIT.ok;
  } catch (error) {
    return exitCodeOf(io, argv, error);
  }
}

function exitCodeOf(io: ReturnType<typeof createIo>, argv: string[], error: unknown): number {
  const name = argv.filter((a) => !a.startsWith('-')).slice(0, 2).join(' ') || 'marketmux';
  // commander has already written its message (and the suggestion): help and version are 0.
  if (error instanceof CommanderError) return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
  if (error instanceof UsageError) {
    io.err(`marketmux: ${error.message}\n(see marketmux ${name.split(' ')[0]} --help)`);
    return EXIT.usage;
  }
  if (error instanceof InterruptedError) {
    io.err(`marketmux: ${error.message}`);
    return EXIT.interrupted;
  }
  if (error instanceof ReportedFailure) return EXIT.failure;
  // Input the library refused before sending anything is usage, whichever provider.
  if (error instanceof ValidationError) {
    reportError(io, error);
    return EXIT.usage;
  }
  reportError(io, error);
  return EXIT.failure;
}

// `marketmux … | head` closes the pipe early: that is the reader's choice, not a failure.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
    process.exit(process.exitCode ?? EXIT.ok);
  });
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`marketmux: ${inline(error instanceof Error ? error.message : String(error))}\n`);
    process.exitCode = EXIT.failure;
  },
);
