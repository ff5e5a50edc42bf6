/**
 * Every request the worker answers, keyed by type: the compiler checks that each type of
 * protocol.ts's RequestMap has exactly one handler here. A new request is its RequestMap
 * entry and its handler in the module of its subject.
 */
import type { Handlers } from '../session';
import { analyzeHandlers } from './analyze';
import { compareHandlers } from './compare';
import { firmwareHandlers } from './firmware';
import { openHandlers } from './open';
import { policyHandlers } from './policy';
import { rowHandlers } from './rows';
import { shareHandlers } from './share';
import { timelineHandlers } from './timeline';

export const HANDLERS: Handlers = {
  ...openHandlers,
  ...analyzeHandlers,
  ...rowHandlers,
  ...timelineHandlers,
  ...firmwareHandlers,
  ...shareHandlers,
  ...policyHandlers,
  ...compareHandlers,
};
