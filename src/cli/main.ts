#!/usr/bin/env node
/** The `marketmux` command. Exit codes: 0 ok, 1 error, 2 usage. */
import { commandHelp, commands, parseCommand } from './commands.js';
import { createIo, reportError, UsageError } from './output.js';

const ENV_HELP = `environment:
  CS2C_API_KEY, CS2C_API_BASE            CS2Cap key (sk_live_…) and API root
  CSBOARD_API_KEY, CSBOARD_API_BASE      CSBoard key (csb_pub_…) and API root
  KALSHI_API_KEY_ID, KALSHI_PRIVATE_KEY_PATH (or KALSHI_PRIVATE_KEY), KALSHI_API_BASE
  NO_COLOR                               no colour even on a terminal`;

function mainHelp(): string {
  const names = Object.keys(commands);
  const width = Math.max(...names.map((n) => n.length)) + 2;
  return ['marketmux — one client for CS2Cap, CSBoard and Kalshi', '', 'usage: marketmux <command> [options]   (marketmux <command> --help)', '', 'commands:', ...names.map((n) => `  ${n.padEnd(width)}${commands[n]!.summary}`), '', ENV_HELP].join('\n');
}

export async function main(argv: string[]): Promise<number> {
  const wantsJson = argv.includes('--json');
  const io = createIo({ json: wantsJson, debug: argv.includes('--debug') });
  const [first, second] = argv;
  if (!first || first === '--help' || first === '-h' || first === 'help') {
    (first ? io.out : io.err)(mainHelp());
    return first ? 0 : 2;
  }
  const name = first === 'keys' && second && !second.startsWith('-') ? `keys ${second}` : first;
  const command = commands[name];
  if (!command) {
    io.err(`marketmux: unknown command "${name}"\n\n${mainHelp()}`);
    return 2;
  }
  const rest = argv.slice(name.includes(' ') ? 2 : 1);
  try {
    const args = parseCommand(command, rest);
    if (args.values.help) {
      io.out(commandHelp(command));
      return 0;
    }
    await command.run(io, args);
    return 0;
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(`marketmux ${name}: ${error.message}\nusage: ${command.usage}`);
      return 2;
    }
    if (!(error as { quiet?: boolean }).quiet) reportError(io, error);
    return 1;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`marketmux: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
