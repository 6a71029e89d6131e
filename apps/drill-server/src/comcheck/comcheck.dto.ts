import { IsUUID } from 'class-validator';

/** `comcheck.confirm`'s body: the check answered. */
export class ComcheckConfirmDto {
  @IsUUID() comcheckId!: string;
}
