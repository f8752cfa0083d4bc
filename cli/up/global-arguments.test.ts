import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { globalArguments } from './global-arguments.ts';

function program(argv: string[]): Command {
  const p = new Command('ops-pipeline')
    .option('-c, --config <file>')
    .option('--brokers <list>')
    .option('--topic-prefix <prefix>')
    .option('--verbose')
    .option('--no-colour')
    .exitOverride();
  p.command('up').action(() => {});
  p.parse(argv, { from: 'user' });
  return p;
}

describe('globalArguments', () => {
  it.each<{ argv: string[]; replace: Record<string, string>; args: string[] }>([
    { argv: ['up'], replace: {}, args: [] },
    { argv: ['-c', 'x.yml', '--topic-prefix', 'p.', 'up'], replace: {}, args: ['--config', 'x.yml', '--topic-prefix', 'p.'] },
    { argv: ['--brokers', 'a:1,b:2', '--verbose', '--no-colour', 'up'], replace: {}, args: ['--brokers', 'a:1,b:2', '--verbose', '--no-colour'] },
    { argv: ['-c', 'x.yml', 'up'], replace: { '--config': 'sample.yml' }, args: ['--config', 'sample.yml'] },
    { argv: ['up'], replace: { '--config': 'sample.yml' }, args: ['--config', 'sample.yml'] },
  ])('$argv with $replace', ({ argv, replace, args }) => {
    expect(globalArguments(program(argv), replace)).toEqual(args);
  });
});
