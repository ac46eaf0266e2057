// Small statistics and scheduling helpers shared by the benches: medians, ratios, interleaved rounds.

export const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[middle] ?? Number.NaN) : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
};

export const range = (values: readonly number[]): [number, number] => [Math.min(...values), Math.max(...values)];

/**
 * The order the contestants run in, round by round: alternating which goes first, so neither always meets the
 * machine's neighbours at the same moment or always runs warm after the other (the machine is shared and noisy).
 */
export function interleave<T>(contestants: readonly T[], rounds: number): { round: number; contestant: T }[] {
  const order: { round: number; contestant: T }[] = [];
  for (let round = 0; round < rounds; round++) {
    const turn = round % 2 === 0 ? contestants : [...contestants].reverse();
    for (const contestant of turn) order.push({ round, contestant });
  }
  return order;
}

export const fixed = (value: number, digits = 2): string => (Number.isFinite(value) ? value.toFixed(digits) : '—');
export const thousands = (value: number): string => (Number.isFinite(value) ? Math.round(value).toLocaleString('en-US') : '—');

/** Reads `--name=value` from argv (or the default). */
export function option(argv: readonly string[], name: string, fallback: string): string {
  const found = argv.find((arg) => arg.startsWith(`--${name}=`));
  return found ? found.slice(name.length + 3) : fallback;
}

export function numberOption(argv: readonly string[], name: string, fallback: number): number {
  const value = Number(option(argv, name, String(fallback)).replace(/_/g, ''));
  if (!Number.isFinite(value) || value < 0) throw new Error(`--${name} must be a number`);
  return value;
}
