import { BadRequestException, ValidationPipe, type ValidationError } from '@nestjs/common';
import { plainToInstance, type ClassConstructor } from 'class-transformer';
import { validate } from 'class-validator';
import type { FieldProblem } from '@drill/contracts';

export function flatten(errors: ValidationError[], prefix = ''): FieldProblem[] {
  return errors.flatMap((e) => {
    const path = `${prefix}/${e.property}`;
    const own = Object.values(e.constraints ?? {}).map((message) => ({ path, message }));
    return [...own, ...flatten(e.children ?? [], path)];
  });
}

/**
 * DTO validation at the boundary: unknown fields are refused (never silently dropped), types are checked, and
 * every problem names its field as a JSON path.
 */
const OPTIONS = { whitelist: true, forbidNonWhitelisted: true, forbidUnknownValues: true } as const;

/** Deeper than any drill document nests (a scenario is about 8 levels); deeper is an attack on recursive code. */
export const MAX_JSON_DEPTH = 64;

/** Whether `value` nests objects or arrays more than `max` levels deep; iterative, so it cannot overflow itself. */
export function nestsDeeperThan(value: unknown, max = MAX_JSON_DEPTH): boolean {
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length) {
    const [v, depth] = stack.pop()!;
    if (typeof v !== 'object' || v === null) continue;
    if (depth >= max) return true;
    for (const child of Object.values(v))
      if (typeof child === 'object' && child !== null) stack.push([child, depth + 1]);
  }
  return false;
}

export const TOO_DEEP: FieldProblem = { path: '', message: `nests deeper than ${MAX_JSON_DEPTH} levels` };

/** The same checks as the HTTP pipe, for payloads arriving over the socket. */
export async function validateDto<T extends object>(
  cls: ClassConstructor<T>,
  data: unknown,
): Promise<{ value?: T; problems: FieldProblem[] }> {
  if (typeof data !== 'object' || data === null || Array.isArray(data))
    return { problems: [{ path: '', message: 'must be a JSON object' }] };
  if (nestsDeeperThan(data)) return { problems: [TOO_DEEP] };
  const value = plainToInstance(cls, data);
  const problems = flatten(await validate(value, OPTIONS));
  return problems.length ? { problems } : { value, problems };
}

export function drillValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    ...OPTIONS,
    transform: true,
    exceptionFactory: (errors) => {
      const details = flatten(errors);
      return new BadRequestException({
        message: details.map((d) => `${d.path}: ${d.message}`).join('; ') || 'invalid request body',
        details,
      });
    },
  });
}
