import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { ByteBudget } from '../common/byte-budget';
import type { Settings } from '../config/settings';

/**
 * What all answers held whole on their way may take together
 * (`ANSWER_BUDGET_BYTES`): the usage tap's copy of a JSON answer, the response
 * cache's copy, a translated answer. Past it, an answer passes without being
 * held — metered by estimate, not stored — so concurrent large answers cannot
 * take the process past its memory limit.
 */
@Injectable()
export class AnswerBudget extends ByteBudget {
  constructor(config: ConfigService<Settings, true>) {
    super(config.get('inspection', { infer: true }).answerBudgetBytes);
  }
}
