import type { Logger } from '@agentforge/schema';
/** A value and everything in it read-only, as a frozen snapshot is. */
export type DeepReadonly<T> = T extends (...args: never[]) => unknown
  ? T
  : T extends readonly (infer U)[]
    ? ReadonlyArray<DeepReadonly<U>>
    : T extends object
      ? { readonly [K in keyof T]: DeepReadonly<T[K]> }
      : T;

type Depth = [never, 0, 1, 2, 3, 4, 5];

/** Dotted paths into a configuration (`services.swarm.replicas`), lists excluded, up to six levels. */
export type ConfigPath<T, D extends number = 6> = [D] extends [never]
  ? never
  : T extends readonly unknown[]
    ? never
    : T extends object
      ? { [K in keyof T & string]: K | `${K}.${ConfigPath<NonNullable<T[K]>, Depth[D]>}` }[keyof T & string]
      : never;

/** The type at a dotted path; `undefined` joins in where a step on the way is optional. */
export type PathValue<T, P extends string> = P extends `${infer K}.${infer Rest}`
  ? K extends keyof T
    ? PathValue<NonNullable<T[K]>, Rest> | (undefined extends T[K] ? undefined : never)
    : unknown
  : P extends keyof T
    ? T[P]
    : unknown;

export type { Logger };
