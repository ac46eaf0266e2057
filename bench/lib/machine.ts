// What a figure was measured on: cores, memory, load average now, Node, date — printed next to every result table.
import { cpus, freemem, loadavg, totalmem } from 'node:os';

export interface MachineNote {
  readonly date: string;
  readonly cores: number;
  readonly cpuModel: string;
  readonly memoryGb: string;
  readonly node: string;
  readonly load: string;
}

export function machineNote(): MachineNote {
  const gb = (bytes: number) => (bytes / 1024 ** 3).toFixed(1);
  return {
    date: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
    cores: cpus().length,
    cpuModel: cpus()[0]?.model.trim() ?? 'unknown',
    memoryGb: `${gb(totalmem())} GB total, ${gb(freemem())} GB free`,
    node: process.version,
    load: loadavg().map((value) => value.toFixed(2)).join(' / '),
  };
}

export const describeMachine = (note: MachineNote = machineNote()): string =>
  `${note.date} · ${note.cores} cores (${note.cpuModel}) · ${note.memoryGb} · Node ${note.node} · load average ${note.load} (1/5/15 min) · shared with ~6 other sessions`;

/** The load average now, as one number per line of progress output (the 1-minute figure). */
export const loadNow = (): string => loadavg()[0]?.toFixed(2) ?? '?';
