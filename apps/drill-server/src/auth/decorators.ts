import { createParamDecorator, SetMetadata, type ExecutionContext } from '@nestjs/common';
import type { Role } from '@drill/contracts';
import type { Principal } from '@drill/auth';

export const ROLES_KEY = 'drill:roles';
export const PUBLIC_KEY = 'drill:public';

/** Only these roles may call the handler (403 for the others). Without it, any signed-in user may. */
export const Roles = (...roles: Role[]) => SetMetadata(ROLES_KEY, roles);
/** No token needed (health, metrics, API docs). */
export const Public = () => SetMetadata(PUBLIC_KEY, true);

export const CurrentUser = createParamDecorator((_: unknown, ctx: ExecutionContext): Principal => {
  return ctx.switchToHttp().getRequest<{ principal: Principal }>().principal;
});
