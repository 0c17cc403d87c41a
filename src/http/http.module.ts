import { Global, Module } from '@nestjs/common';
import { AnswerBudget } from './answer-budget';

/** What the stages share of HTTP: the budget of answers held whole. */
@Global()
@Module({ providers: [AnswerBudget], exports: [AnswerBudget] })
export class HttpModule {}
