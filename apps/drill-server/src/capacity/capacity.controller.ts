import { Controller, Get, Param, ParseUUIDPipe, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { Roles } from '../auth/decorators.js';
import { CapacityQueryDto } from './capacity.dto.js';
import { CapacityService } from './capacity.service.js';

/** Capacity across drills, for the people who plan capacity building: drill control and evaluators only. */
@ApiTags('capacity')
@ApiBearerAuth()
@Controller('api')
export class CapacityController {
  constructor(private readonly capacity: CapacityService) {}

  /** Every completed drill of the team with its score, capability ratings, median times and handling faults. */
  @Get('teams/:id/history')
  @Roles('controller', 'evaluator')
  history(@Param('id', ParseUUIDPipe) id: string) {
    return this.capacity.history(id);
  }

  /** Trends per team and per tier, per capability, over the completed drills in range; `format=csv` for a file. */
  @Get('capacity')
  @Roles('controller', 'evaluator')
  @ApiProduces('application/json', 'text/csv')
  async view(@Query() q: CapacityQueryDto, @Res({ passthrough: true }) res: Response) {
    const { format, ...filter } = q;
    const view = await this.capacity.capacity(filter);
    res.setHeader('Cache-Control', 'no-store');
    if (format !== 'csv') return view;
    res.type('text/csv; charset=utf-8');
    res.setHeader(
      'Content-Disposition',
      `attachment; filename="capacity-${new Date().toISOString().slice(0, 10)}.csv"`,
    );
    return this.capacity.capacityCsv(view);
  }
}
