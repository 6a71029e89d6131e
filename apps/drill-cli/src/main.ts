#!/usr/bin/env node
import { Command, InvalidArgumentError } from 'commander';
import { exportCommand, importCommand, validateCommand, type Io } from './scenario-commands.js';
import { PROFILE_NAMES, parseProfiles } from './simulate/profiles.js';
import { DEFAULTS } from './simulate/defaults.js';
import type { SimulateOptions } from './simulate/simulate.js';

const io: Io = { out: (s) => process.stdout.write(`${s}\n`), err: (s) => process.stderr.write(`${s}\n`) };

const program = new Command('drill').description('ACID Drill Orchestrator command line').exitOverride();

program
  .command('validate <file>')
  .description('validate a scenario (YAML or JSON); prints each problem as file:line:column')
  .action((file: string) => {
    process.exitCode = validateCommand(file, io);
  });

program
  .command('import <msel>')
  .description('convert an MSEL spreadsheet (.csv or .xlsx) into scenario YAML')
  .option('-o, --output <file>', 'write the YAML here (default: stdout)')
  .option('--id <id>', 'scenario id')
  .option('--title <title>', 'scenario title')
  .action(async (file: string, opts: { output?: string; id?: string; title?: string }) => {
    process.exitCode = await importCommand(file, opts, io);
  });

program
  .command('export <scenario>')
  .description('write a scenario as an MSEL spreadsheet')
  .requiredOption('-f, --format <format>', 'csv or xlsx')
  .requiredOption('-o, --output <file>', 'the spreadsheet to write')
  .action(async (file: string, opts: { format: string; output: string }) => {
    process.exitCode = await exportCommand(file, opts, io);
  });

const number = (name: string) => (v: string) => {
  const n = Number(v);
  if (v.trim() === '' || !Number.isFinite(n)) throw new InvalidArgumentError(`${name} must be a number`);
  return n;
};

program
  .command('simulate')
  .description(
    'run a whole drill with simulated teams over real socket.io connections (reports, requests for assistance, ' +
      'the communications check), then write the after-action report',
  )
  .requiredOption('-s, --scenario <file>', 'scenario file (YAML or JSON)')
  .option('-n, --teams <n>', `number of simulated teams (1-30, default ${DEFAULTS.teams})`, number('--teams'))
  .option(
    '--speed <n>',
    `clock speed, scenario seconds per wall second (1-3600, default ${DEFAULTS.speed})`,
    number('--speed'),
  )
  .option('--server <url>', 'use this running server instead of starting one in-process')
  .option('--token <token>', 'controller token for --server')
  .option('-o, --out <dir>', 'where to write the AAR files (default ./simulation-output/<timestamp>/)')
  .option('--seed <n>', 'seed for reproducible team behaviour', number('--seed'))
  .option(
    '--profiles <list>',
    `profiles dealt to the teams in order, cycled (default ${PROFILE_NAMES.join(',')})`,
    (v: string) => {
      try {
        return parseProfiles(v);
      } catch (e) {
        throw new InvalidArgumentError((e as Error).message);
      }
    },
  )
  .option(
    '--database <url>',
    'embedded server only: DATABASE_URL (default sqlite:./data/simulation-<timestamp>.sqlite)',
  )
  .option(
    '--progress-every <seconds>',
    `seconds between progress lines (default ${DEFAULTS.progressEverySeconds})`,
    number('--progress-every'),
  )
  .option(
    '--history <n>',
    'run n drills in a row against the same teams, some improving and some slipping between drills (1-20); ' +
      'gives the capacity page a history',
    number('--history'),
  )
  .option('-q, --quiet', 'no progress lines; just the results')
  .action(async (opts: SimulateOptions & { progressEvery?: number }) => {
    // Loaded on demand: it pulls in socket.io-client and, for the embedded server, the whole of Nest.
    const { simulateCommand } = await import('./simulate/simulate.js');
    const stop = new AbortController();
    process.once('SIGINT', () => stop.abort());
    const { progressEvery, ...rest } = opts;
    process.exitCode = await simulateCommand({ ...rest, progressEverySeconds: progressEvery, signal: stop.signal }, io);
  });

program.parseAsync(process.argv).catch((e: unknown) => {
  const err = e as { code?: string; exitCode?: number; message?: string };
  if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version') process.exit(0);
  if (err.code?.startsWith('commander.')) process.exit(2); // commander already printed the usage problem
  process.stderr.write(`drill: ${err.message ?? String(e)}\n`);
  process.exit(2);
});
