import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { ServerResponse } from 'node:http';
import type { TranslatedAnswer } from '../../bridge/answer-translation';
import { ruleOn } from '../../config/compat.config';
import type { Settings } from '../../config/settings';
import type { UpstreamResponse } from '../../copilot/upstream-transport';
import { clientResponseHeaders, isEventStream } from '../../http/header-policy';
import type { PipeTransform } from '../../http/stream-pipe';
import { ModelCatalog } from '../../models/model-catalog.service';
import type { RequestContext } from '../../request-context/request-context';
import { adjustedHeader, CompatStage } from '../compat.stage';
import { THINKING_DISPLAY } from '../rules/promote-thinking-display';
import { anthropicErrorShape } from './anthropic-error-shape';
import { contextOverflow } from './context-overflow';
import type { ErrorRule, ServedModels } from './error-answer';
import { EventStreamTransform, type EventFilter } from './event-stream';
import { hideSummarizedThinking } from './hide-summarized-thinking';
import { holdError } from './hold-error';
import { jsonErrorType } from './json-error-type';
import { pinResponsesItemIds } from './pin-responses-item-ids';
import { stripAfterMessageStop } from './strip-after-message-stop';
import { unknownModel } from './unknown-model';

/** The rules for error answers, in the order they run. */
export const ERROR_RULES: readonly ErrorRule[] = [
  contextOverflow,
  unknownModel,
  anthropicErrorShape,
  jsonErrorType,
];

/** The ids and names of the stream rules. */
export const STREAM_RULES = {
  itemIds: { id: 'r9', name: 'item-ids' },
  doneAfterStop: { id: 'm13', name: 'done-after-stop' },
} as const;

/** What the relay does with one answer. */
export interface AnswerPlan {
  /** Written with its head at the end (an error held whole, or the bridge's). */
  translated?: TranslatedAnswer;
  /** A native stream's transform (its head goes out as the upstream's). */
  transform?: PipeTransform;
}

/**
 * The answer side of the compatibility stage (SPEC §13): the smallest changes
 * that let clients read what the real Copilot answers. A native event stream
 * gets a transform only when one of its rules applies (a native chat stream
 * passes untouched, at no cost): Responses item ids pinned (`r9`), nothing
 * after `message_stop` (`m13`), summarized thinking hidden where the request
 * rule `g9` asked for it. An error answer on a model route is held whole and
 * rewritten where a rule applies (`m12`, `g6`, `g4`, `g3`); the bridge's
 * error answers pass the rules that read Copilot's words before it writes
 * them. Each rule is switched by `COMPAT_RULES` and named through
 * `CompatStage.note` when it changed something.
 */
@Injectable()
export class AnswerStage {
  private readonly errorRules: readonly ErrorRule[];
  private readonly translatedErrorRules: readonly ErrorRule[];
  private readonly pinIds: boolean;
  private readonly stripDone: boolean;

  constructor(
    config: ConfigService<Settings, true>,
    private readonly compat: CompatStage,
    private readonly catalog: ModelCatalog,
  ) {
    const settings = config.get('compat', { infer: true });
    this.errorRules = ERROR_RULES.filter((rule) => ruleOn(settings, rule.id));
    this.translatedErrorRules = this.errorRules.filter((r) => r.translated);
    this.pinIds = ruleOn(settings, STREAM_RULES.itemIds.id);
    this.stripDone = ruleOn(settings, STREAM_RULES.doneAfterStop.id);
  }

  plan(
    context: RequestContext,
    upstream: UpstreamResponse,
    res: ServerResponse,
    translated: TranslatedAnswer | undefined,
  ): AnswerPlan {
    const { status } = upstream;
    if (status < 400) {
      if (translated) return { translated };
      const transform = this.streamTransform(context, upstream);
      return transform ? { transform } : {};
    }
    const rules = translated ? this.translatedErrorRules : this.errorRules;
    const route = context.route;
    if (
      rules.length === 0 ||
      (route !== 'chat' && route !== 'responses' && route !== 'messages') ||
      isEventStream(upstream.rawHeaders)
    )
      return translated ? { translated } : {};
    const headers =
      translated?.headers ?? clientResponseHeaders(upstream.rawHeaders);
    const transform = holdError({
      status,
      contentType: headerOf(upstream.rawHeaders, 'content-type'),
      headers,
      res,
      rules,
      served: this.served(context.account),
      anthropic: route === 'messages',
      model: context.model,
      account: context.account,
      note: (names) => {
        this.compat.note(context, names);
        return adjustedHeader(context.adjustments ?? names);
      },
      inner: translated?.transform,
    });
    return { translated: { ...translated, headers, transform } };
  }

  private streamTransform(
    context: RequestContext,
    upstream: UpstreamResponse,
  ): PipeTransform | undefined {
    if (context.bridge !== undefined || !isEventStream(upstream.rawHeaders))
      return undefined;
    const filters: EventFilter[] = [];
    const note = (name: string) => {
      let noted = false;
      return () => {
        if (noted) return;
        noted = true;
        this.compat.note(context, [name]);
      };
    };
    if (context.endpoint === 'responses' && this.pinIds)
      filters.push(pinResponsesItemIds(note(STREAM_RULES.itemIds.name)));
    if (context.endpoint === 'messages') {
      if (this.stripDone)
        filters.push(
          stripAfterMessageStop(note(STREAM_RULES.doneAfterStop.name)),
        );
      if (context.adjustments?.includes(THINKING_DISPLAY))
        filters.push(hideSummarizedThinking(() => undefined));
    }
    return filters.length > 0 ? new EventStreamTransform(filters) : undefined;
  }

  private served(account: string | undefined): ServedModels {
    const entry = this.catalog.entry(account) ?? this.catalog.entry();
    return {
      lists: (id) => entry?.models.has(id),
      ids: () => (entry ? [...entry.models.keys()] : []),
    };
  }
}

function headerOf(rawHeaders: readonly string[], name: string) {
  for (let i = 0; i < rawHeaders.length; i += 2)
    if (
      rawHeaders[i].length === name.length &&
      rawHeaders[i].toLowerCase() === name
    )
      return rawHeaders[i + 1];
  return undefined;
}
