import { formatPointer, type Locator, parsePointer } from '@agentforge/schema';

/**
 * One locator over layered files, highest precedence last: a pointer is located in the
 * highest file that writes it; `nearest` walks up to the closest written parent the same way
 * before falling back to the top file's start.
 */
export function layeredLocator(name: string, locators: readonly Locator[]): Locator | undefined {
  const top = locators.at(-1);
  if (!top || locators.length === 1) return top;
  const locate = (pointer: string) => {
    for (let i = locators.length - 1; i >= 0; i--) {
      const location = locators[i]!.locate(pointer);
      if (location) return location;
    }
    return undefined;
  };
  return {
    file: name,
    locate,
    nearest: (pointer) => {
      const segments = parsePointer(pointer);
      for (let length = segments.length; length >= 1; length--) {
        const location = locate(formatPointer(segments.slice(0, length)));
        if (location) return location;
      }
      return top.nearest(pointer);
    },
    lineText: (line) => top.lineText(line),
  };
}
