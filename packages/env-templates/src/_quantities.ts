import { parseQuantity } from '@agentforge/schema';

/** Millicores of a CPU quantity (`250m` → 250, `2` → 2000). */
export function millicores(quantity: string): number {
  return Math.ceil((parseQuantity(quantity) ?? 0) * 1000 - 1e-9);
}

/** Bytes of a memory quantity (`512Mi` → 536870912). */
export function bytes(quantity: string): number {
  return Math.ceil(parseQuantity(quantity) ?? 0);
}

/** A CPU quantity from millicores: `2000` → `2`, `250` → `250m`. */
export function formatCpu(milli: number): string {
  return milli % 1000 === 0 ? String(milli / 1000) : `${milli}m`;
}

const MI = 2 ** 20;

/** A memory quantity from bytes, rounded up to whole Mi: `2Gi`, `768Mi`. */
export function formatMemory(value: number): string {
  const mi = Math.ceil(value / MI);
  return mi % 1024 === 0 ? `${mi / 1024}Gi` : `${mi}Mi`;
}

/** `value` rounded up to a multiple of `step`. */
export function roundUp(value: number, step: number): number {
  return Math.ceil(value / step) * step;
}
