import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A team enrolled in an exercise, with the last delivery sequence number handed to it. */
@Entity('exercise_teams')
export class ExerciseTeamEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  exerciseId!: string;

  @PrimaryColumn({ type: 'varchar', length: 36 })
  teamId!: string;

  @Column({ type: 'integer' })
  lastSeq!: number;
}
