import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import type { Repository } from 'typeorm';
import { generateToken, hashToken, type Principal } from '@drill/auth';
import { NotFound, ValidationFailed, type Role } from '@drill/contracts';
import { TeamEntity, UserEntity } from '@drill/persistence';
import { DRILL_CONFIG } from '../config/config.module.js';
import type { DrillConfig } from '../config/drill-config.js';

export interface CreatedUser {
  id: string;
  name: string;
  role: Role;
  teamId: string | null;
  token: string;
}

@Injectable()
export class AuthService implements OnApplicationBootstrap {
  private readonly log = new Logger('auth');

  constructor(
    @InjectRepository(UserEntity) private readonly users: Repository<UserEntity>,
    @InjectRepository(TeamEntity) private readonly teams: Repository<TeamEntity>,
    @Inject(DRILL_CONFIG) private readonly config: DrillConfig,
  ) {}

  async principalForToken(token: string): Promise<Principal | undefined> {
    const u = await this.users.findOneBy({ tokenHash: hashToken(token) });
    return u ? { userId: u.id, name: u.name, role: u.role, teamId: u.teamId } : undefined;
  }

  async createUser(
    input: { name: string; role: Role; teamId?: string },
    token = generateToken(),
  ): Promise<CreatedUser> {
    if (input.role === 'participant' && !input.teamId) {
      throw new ValidationFailed('a participant belongs to exactly one team', [
        { path: '/teamId', message: 'required for role participant' },
      ]);
    }
    if (input.role !== 'participant' && input.teamId) {
      throw new ValidationFailed('only participants belong to a team', [
        { path: '/teamId', message: `must be absent for role ${input.role}` },
      ]);
    }
    if (input.teamId && !(await this.teams.existsBy({ id: input.teamId }))) {
      throw new NotFound(`team ${input.teamId} does not exist`, [{ path: '/teamId', message: 'unknown team' }]);
    }
    const user = this.users.create({
      id: randomUUID(),
      name: input.name,
      role: input.role,
      teamId: input.teamId ?? null,
      tokenHash: hashToken(token),
      createdAt: Date.now(),
    });
    await this.users.insert(user);
    return { id: user.id, name: user.name, role: user.role, teamId: user.teamId, token };
  }

  /** An empty database gets one controller, so a fresh install can be driven at all. */
  async onApplicationBootstrap(): Promise<void> {
    if ((await this.users.count()) > 0) return;
    let created: CreatedUser;
    try {
      created = await this.createUser({ name: 'Drill administrator', role: 'controller' }, this.config.adminToken);
    } catch (e) {
      // Cluster replicas starting together on an empty database: another one created this controller first.
      if (this.config.adminToken && (await this.users.existsBy({ tokenHash: hashToken(this.config.adminToken) })))
        return;
      throw e;
    }
    if (!this.config.adminToken) {
      // Printed once, on stdout, outside the JSON log stream: it is never shown again.
      process.stdout.write(
        `\nFirst start: created controller "${created.name}".\nIts bearer token (store it now, it is not shown again):\n\n  ${created.token}\n\n`,
      );
    } else {
      this.log.log('first start: created the controller for DRILL_ADMIN_TOKEN');
    }
  }
}
