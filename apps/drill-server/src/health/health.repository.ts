import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';

/** The database as /health sees it: reachable or not. */
@Injectable()
export class HealthRepository {
  constructor(@InjectDataSource() private readonly ds: DataSource) {}

  /** Resolves when the database answers a query; rejects with the driver's reason otherwise. */
  async ping(): Promise<void> {
    await this.ds.query('SELECT 1');
  }
}
