/**
 * Display messages (O01–O06): SetDisplayMessage (set, for a transaction, replace), GetDisplayMessages
 * (all or by id, priority and state, the messages following in NotifyDisplayMessages parts) and
 * ClearDisplayMessage. The store and its rules live in ../display/.
 */
import { Kind, OutboundCall } from '../../station/outbound.js';
import type { Station } from '../../station/station.js';
import type {
  ClearDisplayMessageRequest,
  ClearDisplayMessageResponse,
  GetDisplayMessagesRequest,
  GetDisplayMessagesResponse,
  SetDisplayMessageRequest,
  SetDisplayMessageResponse,
} from '../generated/types.gen.js';
import { judgeSetDisplayMessage, notifyDisplayMessagesParts, selectMessages } from '../display/rules.js';
import { displayCapabilities } from '../display/settings.js';
import { windowOf, type StoredMessage } from '../display/state.js';
import { displayOf, tidied } from '../display/store.js';
import { modelOf } from '../station-model.js';
import { Interner } from '../../util/intern.js';

/** One shared copy of a message the CSMS sends many charge points alike (a stored message never changes). */
const MESSAGES = new Interner<StoredMessage>(1024);

/** O01, O02, O06: a new message, one for a running transaction, or the replacement of a stored id. */
export function setDisplayMessage(st: Station, req: SetDisplayMessageRequest, now: number): SetDisplayMessageResponse {
  const info = req.message;
  const stored = tidied(st, now);
  const answer = judgeSetDisplayMessage(info, displayCapabilities(st), {
    transactionOpen: info.transactionId !== undefined && st.openTransaction(info.transactionId) !== undefined,
    stored: stored?.messages.length ?? 0,
    replaces: stored?.has(info.id) ?? false,
  });
  if (answer.status === 'Accepted') displayOf(st).set(MESSAGES.share(JSON.stringify(info), { info, ...windowOf(info) }));
  return answer;
}

/**
 * O03/O04: Unknown when no stored message meets every criterion given; else Accepted, and the
 * messages follow after the answer in NotifyDisplayMessages parts (tbc on all but the last), each
 * within the charge point's own message sizes (DeviceDataCtrlr ItemsPerMessage/BytesPerMessage, as
 * its NotifyReport parts).
 */
export function getDisplayMessages(st: Station, req: GetDisplayMessagesRequest, now: number): GetDisplayMessagesResponse {
  const d = tidied(st, now);
  const found = d === null ? [] : selectMessages(d.messages, req);
  if (found.length === 0) return { status: 'Unknown' };
  const { limits } = modelOf(st.ctx.profile).dm;
  for (const part of notifyDisplayMessagesParts(req.requestId, found, { maxItems: limits.itemsGetReport, maxBytes: limits.bytesGetReport })) {
    // Kept, and sent while a boot is Pending too: part of a use case the CSMS started (as NotifyReport).
    st.enqueue(new OutboundCall(Kind.Kept, 'NotifyDisplayMessages', part as never).asTriggered());
  }
  return { status: 'Accepted' };
}

/** O05: Accepted when a message with that id was stored (and is removed), else Unknown. */
export function clearDisplayMessage(st: Station, req: ClearDisplayMessageRequest, now: number): ClearDisplayMessageResponse {
  return tidied(st, now)?.remove(req.id) ? { status: 'Accepted' } : { status: 'Unknown' };
}
