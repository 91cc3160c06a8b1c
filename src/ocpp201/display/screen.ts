/**
 * What a charge point's display would show now, front first: the CSMS's display messages (O01–O06)
 * that are valid now and for the station's state, then per EVSE the driver's tariff (I01, I06) and
 * the running or final cost (I02, I03) when TariffCostCtrlr has them Enabled — or its fallback texts:
 * TariffFallbackMessage while no tariff is known (I04), TotalCostFallbackMessage when the transaction
 * ended offline without its total (I05). For tests and whoever inspects a charge point; nothing is sent.
 */
import type { MessageContentType, MessageStateEnumType } from '../generated/types.gen.js';
import { Link, type Station } from '../../station/station.js';
import { modelOf } from '../station-model.js';
import { money } from './cost.js';
import { visibleMessages } from './rules.js';
import { personalMessageSize, tariffCostSettings } from './settings.js';
import type { PriceNote } from './state.js';
import { tidied } from './store.js';

/**
 * The station's state as display messages name it (MessageStateEnumType): Unavailable when it is
 * inoperative, Faulted when a connector is, Charging while a transaction runs, else Idle.
 */
export function messageState(st: Station): MessageStateEnumType {
  if (st.operativeBlocked()) return 'Unavailable';
  let faulted = false;
  let unavailable = true;
  for (let i = 1; i < st.connectors.length; i++) {
    const s = st.connectors[i].status;
    faulted ||= s === 'Faulted';
    unavailable &&= s === 'Unavailable';
  }
  if (faulted) return 'Faulted';
  if (unavailable && st.connectors.length > 1) return 'Unavailable';
  return st.anyCharging() ? 'Charging' : 'Idle';
}

export function shownNow(st: Station, now: number): string[] {
  const d = tidied(st, now);
  const lines: string[] = [];
  if (d !== null) for (const info of visibleMessages(d.messages, messageState(st), now)) lines.push(`${info.priority}: ${info.message.content}`);
  const prices = tariffCostSettings(st);
  if (!prices.tariff && !prices.cost) return lines;
  const offline = st.link !== Link.Open;
  const size = personalMessageSize(st);
  const shown = (m: MessageContentType) => (size === Infinity ? m.content : m.content.slice(0, size));
  const { evseOf } = modelOf(st.ctx.profile);
  for (let i = 1; i < st.connectors.length; i++) {
    const tx = st.connectors[i].tx;
    const note = noteOf(d?.prices, i, tx?.id ?? null);
    const where = `EVSE ${evseOf[i]}`;
    const open = tx !== null && tx.open;
    if (prices.tariff) {
      if (note?.personal) lines.push(`${where}: ${shown(note.personal)}`);
      else if (open && prices.tariffFallback !== '') lines.push(`${where}: ${prices.tariffFallback}`); // I04: offline, or none given
    }
    if (prices.cost) {
      if (note !== null && note.totalCost !== null) lines.push(`${where}: ${note.final ? 'total cost' : 'cost so far'} ${money(st, note.totalCost)}`);
      else if (tx !== null && !open && offline && prices.costFallback !== '') lines.push(`${where}: ${prices.costFallback}`); // I05
    }
  }
  return lines;
}

/** The connector's note for its current (or last) transaction, else the tariff it was given before one. */
function noteOf(prices: readonly PriceNote[] | undefined, connectorId: number, transactionId: string | null): PriceNote | null {
  if (prices === undefined) return null;
  let before: PriceNote | null = null;
  for (const p of prices) {
    if (p.connectorId !== connectorId) continue;
    if (transactionId !== null && p.transactionId === transactionId) return p;
    if (p.transactionId === null) before = p;
  }
  return before;
}
