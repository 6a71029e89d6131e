import { expect } from '@jest/globals';

/**
 * `expect(actual)` whose failure message starts with `label`: a status code checked with the response body as its
 * label, or one row of a matrix checked in a loop, says which one failed. (Jest's `expect` takes one argument.)
 */
export function expectAs<T>(actual: T, label: string): ReturnType<typeof expect<T>> {
  return labelled(expect(actual), label) as ReturnType<typeof expect<T>>;
}

function relabel(e: unknown, label: string): unknown {
  if (e instanceof Error) {
    const before = e.message;
    e.message = `${label}\n\n${before}`;
    if (e.stack?.includes(before)) e.stack = e.stack.replace(before, e.message);
  }
  return e;
}

// Wraps every matcher (and `.not`, `.resolves`, `.rejects`) so a thrown or rejected assertion carries the label.
function labelled(target: object, label: string): object {
  return new Proxy(target, {
    get(obj, prop, receiver) {
      const value: unknown = Reflect.get(obj, prop, receiver);
      if (typeof value === 'function') {
        return (...args: unknown[]) => {
          try {
            const out: unknown = (value as (...a: unknown[]) => unknown).apply(obj, args);
            return out instanceof Promise ? out.catch((e: unknown) => Promise.reject(relabel(e, label))) : out;
          } catch (e) {
            throw relabel(e, label);
          }
        };
      }
      return value !== null && typeof value === 'object' ? labelled(value, label) : value;
    },
  });
}
