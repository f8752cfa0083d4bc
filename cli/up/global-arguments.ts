import type { Command } from 'commander';

/**
 * The program's global options as `up` was given them (config, brokers, topic prefix, …), as
 * arguments of each child `ops-pipeline <options> run <component>`. Every option of the
 * program is passed on, so one added later reaches the children too; `replace` sets some
 * (by long flag) instead.
 */
export function globalArguments(program: Command, replace: Readonly<Record<string, string>> = {}): string[] {
  const args: string[] = [];
  for (const o of program.options) {
    if (!o.long) continue;
    const value: unknown = o.long in replace ? replace[o.long] : program.getOptionValue(o.attributeName());
    if (value === undefined) continue;
    if (o.negate) {
      if (value === false) args.push(o.long);
    } else if (value === true) {
      args.push(o.long);
    } else if (value !== false) {
      args.push(o.long, String(value));
    }
  }
  return args;
}
