import {
  Controller,
  Get,
  HttpCode,
  Param,
  ParseIntPipe,
  Post,
  Query,
  Req,
  Res,
  UnsupportedMediaTypeException,
  UploadedFile,
  UseInterceptors,
  BadRequestException,
} from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiConsumes, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { ValidationFailed } from '@drill/contracts';
import { exportMsel, scenarioToYaml } from '@drill/scenario';
import type { AuditedRequest } from '../audit/audit.interceptor.js';
import { Roles } from '../auth/decorators.js';
import { readMselInWorker } from './msel-reader.js';
import { MselUploadInterceptor } from './msel-upload.interceptor.js';
import { ScenariosService } from './scenarios.service.js';

type RawRequest = AuditedRequest & { rawBody?: Buffer };

/** The scenario text and its format, from a YAML/text body or a JSON body (kept verbatim for line/column). */
function scenarioText(req: RawRequest): { text: string; format: 'yaml' | 'json' } {
  const type = (req.headers['content-type'] ?? '').toLowerCase();
  if (type.includes('json')) {
    const text = req.rawBody?.toString('utf8') ?? JSON.stringify(req.body);
    return { text, format: 'json' };
  }
  if (/yaml|text\/plain/.test(type)) {
    if (typeof req.body !== 'string' || req.body.trim() === '')
      throw new BadRequestException('the request body is empty; send the scenario as YAML or JSON');
    return { text: req.body, format: 'yaml' };
  }
  throw new UnsupportedMediaTypeException('send the scenario as application/yaml or application/json');
}

@ApiTags('scenarios')
@ApiBearerAuth()
@Controller('api/scenarios')
export class ScenariosController {
  constructor(private readonly scenarios: ScenariosService) {}

  @Post()
  @HttpCode(201)
  @Roles('controller')
  @ApiConsumes('application/yaml', 'application/json')
  @ApiBody({ description: 'a scenario in the format of scenarios/scenario.schema.json' })
  async create(@Req() req: RawRequest) {
    const { text, format } = scenarioText(req);
    const v = await this.scenarios.save(text, format, req.principal?.userId ?? null);
    req.audit = {
      action: 'scenario.save',
      targetType: 'scenario',
      targetId: `${v.id}@${v.version}`,
      after: { id: v.id, version: v.version, title: v.title },
    };
    return { id: v.id, version: v.version, title: v.title, injects: v.scenario.injects.length };
  }

  @Post('validate')
  @HttpCode(200)
  @Roles('controller')
  @ApiConsumes('application/yaml', 'application/json')
  async validate(@Req() req: RawRequest) {
    const { text, format } = scenarioText(req);
    req.audit = { action: '' }; // a dry run changes nothing
    const { errors } = await this.scenarios.validate(text, format);
    return { valid: errors.length === 0, errors };
  }

  @Post('import')
  @HttpCode(201)
  @Roles('controller')
  @ApiConsumes('multipart/form-data')
  @ApiQuery({ name: 'dryRun', required: false, description: 'true: return the scenario YAML without saving' })
  @UseInterceptors(MselUploadInterceptor)
  async import(
    @UploadedFile() file: { originalname: string; buffer: Buffer; mimetype: string } | undefined,
    @Req() req: RawRequest,
    @Query('id') id?: string,
    @Query('title') title?: string,
    @Query('dryRun') dryRun?: string,
  ) {
    if (!file)
      throw new BadRequestException({
        message: 'upload the MSEL as multipart field "file" (.csv or .xlsx)',
        details: [{ path: '/file', message: 'required' }],
      });
    const name = file.originalname.toLowerCase();
    const format = name.endsWith('.xlsx') ? 'xlsx' : name.endsWith('.csv') ? 'csv' : undefined;
    if (!format) throw new UnsupportedMediaTypeException(`"${file.originalname}" is neither .csv nor .xlsx`);
    const result = await readMselInWorker(file.buffer, format, { id, title });
    if (!result.scenario || !result.yaml || result.errors.length) {
      throw new ValidationFailed(`the MSEL has ${result.errors.length} problem(s)`, result.errors);
    }
    if (dryRun === 'true') {
      req.audit = { action: '' };
      return { id: result.scenario.id, yaml: result.yaml, injects: result.scenario.injects.length };
    }
    const v = await this.scenarios.save(result.yaml, 'yaml', req.principal?.userId ?? null);
    req.audit = {
      action: 'scenario.import',
      targetType: 'scenario',
      targetId: `${v.id}@${v.version}`,
      after: { file: file.originalname, injects: v.scenario.injects.length },
    };
    return { id: v.id, version: v.version, title: v.title, injects: v.scenario.injects.length };
  }

  @Get()
  @Roles('controller', 'evaluator')
  list() {
    return this.scenarios.list();
  }

  @Get(':id')
  @Roles('controller', 'evaluator')
  latest(@Param('id') id: string) {
    return this.scenarios.get(id);
  }

  @Get(':id/versions/:version')
  @Roles('controller', 'evaluator')
  version(@Param('id') id: string, @Param('version', ParseIntPipe) version: number) {
    return this.scenarios.get(id, version);
  }

  @Get(':id/versions/:version/export')
  @Roles('controller', 'evaluator')
  @ApiQuery({ name: 'format', enum: ['xlsx', 'csv', 'yaml'] })
  async export(
    @Param('id') id: string,
    @Param('version', ParseIntPipe) version: number,
    @Query('format') format: string,
    @Res() res: Response,
  ) {
    const v = await this.scenarios.get(id, version);
    const base = `${v.id}-v${v.version}`;
    if (format === 'yaml') {
      res.type('application/yaml').setHeader('Content-Disposition', `attachment; filename="${base}.yaml"`);
      res.send(v.sourceFormat === 'yaml' ? v.source : scenarioToYaml(v.scenario));
      return;
    }
    if (format !== 'xlsx' && format !== 'csv') {
      throw new BadRequestException({
        message: 'format must be xlsx, csv or yaml',
        details: [{ path: '/format', message: 'must be xlsx, csv or yaml' }],
      });
    }
    const data = await exportMsel(v.scenario, format);
    res
      .type(format === 'csv' ? 'text/csv' : 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
      .setHeader('Content-Disposition', `attachment; filename="${base}.${format}"`);
    res.send(data);
  }
}
