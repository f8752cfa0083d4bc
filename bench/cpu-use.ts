import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { servicesStatus } from '../deploy/local/services.ts';

// CPU used over a span by this process (all its threads) and by the local broker, when the
// project's own scripts run it (its pid from `services`): whether a run left cores idle or
// filled the machine. /proc's times are in USER_HZ, 100 a second on Linux.

const USER_HZ = 100;

function procSeconds(pid: number): number | undefined {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) / USER_HZ;
  } catch {
    return undefined;
  }
}

export interface CpuUse {
  /** Cores' worth of CPU this process used over the span. */
  process: number;
  /** The same for the broker, or null when it is not a local service of this project. */
  broker: number | null;
  cores: number;
}

/** The local broker's pid, when the project's scripts run it. */
export async function brokerPid(): Promise<number | undefined> {
  return (await servicesStatus()).find((s) => s.name === 'kafka')?.pid;
}

/** Starts counting; the function returned ends the span. */
export function cpuWatch(broker: number | undefined): () => CpuUse {
  const brokerBefore = broker === undefined ? undefined : procSeconds(broker);
  const before = process.cpuUsage();
  const started = process.hrtime.bigint();
  return () => {
    const wall = Number(process.hrtime.bigint() - started) / 1e9;
    const used = process.cpuUsage(before);
    const brokerAfter = broker === undefined ? undefined : procSeconds(broker);
    return {
      process: (used.user + used.system) / 1e6 / wall,
      broker: brokerBefore === undefined || brokerAfter === undefined ? null : (brokerAfter - brokerBefore) / wall,
      cores: availableParallelism(),
    };
  };
}

/** "the bench process used 1.62 of 2 cores, the broker 0.31". */
export function cpuText(u: CpuUse, who = 'the bench process'): string {
  return `${who} used ${u.process.toFixed(2)} of ${u.cores} cores${u.broker === null ? '' : `, the broker ${u.broker.toFixed(2)}`}`;
}
