import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import type { AffectedAsset, ReportIoc, TimelineEntry } from '@drill/ism';
import type { Determination, ReportKind, RsitClassification, Severity, TlpLabel } from '@drill/contracts';
import { epochMs } from '../columns.js';

/** An ISM report as submitted (IOCs keep their submitted form beside the normalised one). Never updated. */
@Entity('ism_reports')
@Index(['exerciseId', 'submittedAt'])
@Index(['exerciseId', 'teamId'])
export class IsmReportEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @Column({ type: 'varchar', length: 36 })
  exerciseId!: string;

  @Column({ type: 'varchar', length: 36 })
  authorUserId!: string;

  @Column({ type: 'varchar', length: 36, nullable: true })
  teamId!: string | null;

  @Column({ type: 'varchar', length: 36, nullable: true })
  inReplyTo!: string | null;

  @Column({ type: 'varchar', length: 30 })
  kind!: ReportKind;

  @Column({ type: 'simple-json' })
  injectIds!: string[];

  @Column({ type: 'varchar', length: 300 })
  title!: string;

  @Column({ type: 'text', nullable: true })
  summary!: string | null;

  @Column({ type: 'varchar', length: 20 })
  tlp!: TlpLabel;

  /** The label as the author wrote it (e.g. TLP:WHITE), kept beside the TLP 2.0 name. */
  @Column({ type: 'varchar', length: 30 })
  tlpAsSubmitted!: string;

  @Column({ type: 'simple-json' })
  recipients!: { teams: string[] | 'all'; users: string[] };

  @Column({ type: 'simple-json', nullable: true })
  classification!: RsitClassification | null;

  @Column({ type: 'varchar', length: 20, nullable: true })
  determination!: Determination | null;

  @Column({ type: 'varchar', length: 10, nullable: true })
  severity!: Severity | null;

  @Column({ type: 'simple-json' })
  affectedAssets!: AffectedAsset[];

  @Column({ type: 'simple-json' })
  iocs!: ReportIoc[];

  @Column({ type: 'simple-json' })
  timeline!: TimelineEntry[];

  @Column({ type: 'simple-json' })
  actions!: { code?: string; text: string }[];

  @Column({ type: 'simple-json' })
  recommendations!: string[];

  @Column({ type: 'simple-json' })
  assistanceRequests!: string[];

  @Column({ type: 'bigint', transformer: epochMs })
  submittedAt!: number;

  /** Scenario time of submission, so scoring needs no clock arithmetic afterwards. */
  @Column({ type: 'bigint', transformer: epochMs })
  submittedScenarioMs!: number;
}
