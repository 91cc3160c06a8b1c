/**
 * The rules of display messages that need no station: whether a SetDisplayMessage can be accepted
 * (O01, O02, O06), which stored messages a GetDisplayMessages asks for (O03, O04), and which are
 * shown now (O01: priority, state, validity window).
 */
import type {
  GetDisplayMessagesRequest,
  MessageInfoType,
  MessageStateEnumType,
  NotifyDisplayMessagesRequest,
  SetDisplayMessageResponse,
} from '../generated/types.gen.js';
import type { DisplayCapabilities } from './settings.js';
import { windowOf, type StoredMessage } from './state.js';

/** What a SetDisplayMessage is judged against, besides the display's capabilities. */
export interface SetContext {
  /** The message's transactionId names a transaction open on this charge point (O02). */
  transactionOpen: boolean;
  /** Messages stored now (expired ones already dropped). */
  stored: number;
  /** A message with this id is stored: the new one replaces it (O06) and needs no room. */
  replaces: boolean;
}

/**
 * The answer to a SetDisplayMessage, checked in the order a display would find out: the display is
 * there and on, it can show that priority, format and state, the transaction exists, there is room.
 */
export function judgeSetDisplayMessage(info: MessageInfoType, caps: DisplayCapabilities, ctx: SetContext): SetDisplayMessageResponse {
  if (!caps.usable) return { status: 'Rejected', statusInfo: { reasonCode: 'NoDisplay', additionalInfo: 'DisplayMessageCtrlr is not available or not enabled' } };
  // DisplayMessageCtrlr.SupportedPriorities / SupportedFormats (Referenced Components §2.12).
  if (!caps.priorities.includes(info.priority)) return { status: 'NotSupportedPriority' };
  if (!caps.formats.includes(info.message.format)) return { status: 'NotSupportedMessageFormat' };
  if (info.state !== undefined && caps.states !== null && !caps.states.includes(info.state)) return { status: 'NotSupportedState' };
  // O02: a message for a transaction needs that transaction to be running here.
  if (info.transactionId !== undefined && !ctx.transactionOpen) return { status: 'UnknownTransaction' };
  const { from, until } = windowOf(info);
  if (until <= from) return { status: 'Rejected', statusInfo: { reasonCode: 'InvalidValue', additionalInfo: 'endDateTime is not after startDateTime' } };
  // The bound: DisplayMessageCtrlr.DisplayMessages' maxLimit; a replacement takes the old one's place.
  if (!ctx.replaces && ctx.stored >= caps.maxMessages) {
    return { status: 'Rejected', statusInfo: { reasonCode: 'MaxMessagesReached', additionalInfo: `at most ${caps.maxMessages} display messages` } };
  }
  return { status: 'Accepted' };
}

/** O03/O04: the stored messages a GetDisplayMessages names: by id, priority and state, every criterion given (none: all). */
export function selectMessages(messages: Iterable<StoredMessage>, req: Pick<GetDisplayMessagesRequest, 'id' | 'priority' | 'state'>): MessageInfoType[] {
  const out: MessageInfoType[] = [];
  for (const { info } of messages) {
    if (req.id !== undefined && req.id.length > 0 && !req.id.includes(info.id)) continue;
    if (req.priority !== undefined && info.priority !== req.priority) continue;
    if (req.state !== undefined && info.state !== req.state) continue;
    out.push(info);
  }
  return out;
}

const PRIORITY_ORDER = { AlwaysFront: 0, InFront: 1, NormalCycle: 2 } as const;

/**
 * The messages a display shows at `now` in state `state`, front first (O01): within their validity
 * window, for the state they name (or any state), AlwaysFront before InFront before the NormalCycle
 * ones, which take turns in the order they were set.
 */
export function visibleMessages(messages: Iterable<StoredMessage>, state: MessageStateEnumType, now: number): MessageInfoType[] {
  const out: MessageInfoType[] = [];
  for (const m of messages) {
    if (now < m.from || now >= m.until) continue;
    if (m.info.state !== undefined && m.info.state !== state) continue;
    out.push(m.info);
  }
  // Array.prototype.sort is stable: equal priorities keep the order they were set in.
  return out.sort((a, b) => PRIORITY_ORDER[a.priority] - PRIORITY_ORDER[b.priority]);
}

/** Limits of one NotifyDisplayMessages part: the most entries and the largest payload (UTF-8 bytes of its JSON). */
export interface PartLimits {
  maxItems: number;
  maxBytes: number;
}

/**
 * O03/O04: the NotifyDisplayMessages payloads answering a GetDisplayMessages — each carries the
 * request's requestId, `tbc` true on every part but the last. Parts are filled in order up to the
 * limits; an entry larger than maxBytes on its own is sent alone.
 */
export function notifyDisplayMessagesParts(requestId: number, infos: readonly MessageInfoType[], limits: PartLimits): NotifyDisplayMessagesRequest[] {
  const parts: NotifyDisplayMessagesRequest[] = [];
  const envelope = Buffer.byteLength(JSON.stringify({ requestId, messageInfo: [], tbc: false }));
  let current: MessageInfoType[] = [];
  let bytes = envelope;
  for (const info of infos) {
    const entry = Buffer.byteLength(JSON.stringify(info));
    if (current.length > 0 && (current.length >= limits.maxItems || bytes + 1 + entry > limits.maxBytes)) {
      parts.push({ requestId, messageInfo: current, tbc: true });
      current = [];
      bytes = envelope;
    }
    bytes += entry + (current.length > 0 ? 1 : 0); // and the comma between entries
    current.push(info);
  }
  parts.push({ requestId, messageInfo: current, tbc: false });
  return parts;
}
