import {
  Inject,
  Injectable,
  PayloadTooLargeException,
  type CallHandler,
  type ExecutionContext,
  type NestInterceptor,
} from '@nestjs/common';
import { FileInterceptor } from '@nestjs/platform-express';
import type { Observable } from 'rxjs';
import { formatBytes, MSEL_MAX_FILE_BYTES } from '@drill/scenario';
import { DRILL_CONFIG } from '../config/config.module.js';
import type { DrillConfig } from '../config/drill-config.js';

/**
 * The multipart upload of an MSEL (field `file`), bounded like every other body: multer keeps the file in memory,
 * so without limits a 50 MB upload is 50 MB held, and parsed after. The file may be as large as BODY_LIMIT allows,
 * and no larger than an MSEL may be; one file, a few small fields.
 */
@Injectable()
export class MselUploadInterceptor implements NestInterceptor {
  readonly limit: number;
  private readonly multer: NestInterceptor;

  constructor(@Inject(DRILL_CONFIG) config: DrillConfig) {
    this.limit = Math.min(config.bodyLimitBytes, MSEL_MAX_FILE_BYTES);
    const Multer = FileInterceptor('file', {
      limits: { fileSize: this.limit, files: 1, fields: 10, fieldSize: 4096, parts: 12, headerPairs: 100 },
    });
    this.multer = new Multer();
  }

  async intercept(context: ExecutionContext, next: CallHandler): Promise<Observable<unknown>> {
    try {
      return await this.multer.intercept(context, next);
    } catch (e) {
      if (!(e instanceof PayloadTooLargeException)) throw e;
      const setting = this.limit < MSEL_MAX_FILE_BYTES ? 'BODY_LIMIT' : 'MSEL_MAX_FILE_BYTES';
      const message = `the file is larger than ${formatBytes(this.limit)}, the largest MSEL upload accepted (${setting})`;
      throw new PayloadTooLargeException({ message, details: [{ path: '/file', message }] }, { cause: e });
    }
  }
}
