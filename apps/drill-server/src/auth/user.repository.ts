import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { TokenEntity, UserEntity } from '@drill/persistence';

/** The users table. */
@Injectable()
export class UserRepository {
  constructor(@InjectDataSource() private readonly ds: DataSource) {}

  async none(): Promise<boolean> {
    return (await this.ds.getRepository(UserEntity).count()) === 0;
  }

  async byId(userId: string): Promise<UserEntity | undefined> {
    return (await this.ds.getRepository(UserEntity).findOneBy({ id: userId })) ?? undefined;
  }

  /** Every user, oldest first. */
  listByCreation(): Promise<UserEntity[]> {
    return this.ds.getRepository(UserEntity).find({ order: { createdAt: 'ASC', id: 'ASC' } });
  }

  /**
   * One transaction: a user is never left without its token (two replicas bootstrapping the same admin token
   * collide on the token's unique hash, and the loser's user row goes with it).
   */
  async insertWithToken(user: UserEntity, token: TokenEntity): Promise<void> {
    await this.ds.transaction(async (m) => {
      await m.insert(UserEntity, user);
      await m.insert(TokenEntity, token);
    });
  }
}
