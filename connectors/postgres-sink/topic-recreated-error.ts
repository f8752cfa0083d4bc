import { OpsPipelineError } from '../../core/errors.ts';

/**
 * The sink has written a partition further than the partition now reaches: the topic was
 * deleted and created again (or truncated). Writing its new records over the rows of the old
 * ones, or skipping them, is the operator's call: `sink reset` starts the topic over.
 */
export class TopicRecreatedError extends OpsPipelineError {
  readonly exitCode = 2;
  constructor(
    readonly groupId: string,
    readonly topic: string,
    readonly partition: number,
    readonly written: bigint,
    readonly logEnd: bigint,
  ) {
    super(
      `the sink (group ${groupId}) has written ${topic} partition ${partition} up to offset ${written}, but that partition now ends at ${logEnd}: ` +
        `the topic was deleted and created again, or truncated. To write it from its start, stop the sink and run ` +
        `\`npx ops-pipeline sink reset --topic ${topic}\``,
    );
  }
}
