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

/** The same checks as the HTTP pipe, for payloads arriving over the socket. */
export async function validateDto<T extends object>(
  cls: ClassConstructor<T>,
  data: unknown,
): Promise<{ value?: T; problems: FieldProblem[] }> {
  if (typeof data !== 'object' || data === null || Array.isArray(data))
    return { problems: [{ path: '', message: 'must be a JSON object' }] };
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
