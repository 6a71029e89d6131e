#!/usr/bin/env node
import { Command } from 'commander';
import { exportCommand, importCommand, validateCommand, type Io } from './scenario-commands.js';

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

program.parseAsync(process.argv).catch((e: unknown) => {
  const err = e as { code?: string; exitCode?: number; message?: string };
  if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version') process.exit(0);
  if (err.code?.startsWith('commander.')) process.exit(2); // commander already printed the usage problem
  process.stderr.write(`drill: ${err.message ?? String(e)}\n`);
  process.exit(2);
});
