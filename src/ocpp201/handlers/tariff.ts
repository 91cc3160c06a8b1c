/** Tariff and cost (I02): CostUpdated. The prices in answers to the station's own calls are read by ../display/cost.ts. */
import type { Station } from '../../station/station.js';
import type { CostUpdatedRequest, CostUpdatedResponse } from '../generated/types.gen.js';
import { noteCostUpdated } from '../display/cost.js';

/** The running total of a transaction; the answer is empty (CostUpdatedResponse has no status), for an unknown transaction too. */
export function costUpdated(st: Station, req: CostUpdatedRequest, now: number): CostUpdatedResponse {
  noteCostUpdated(st, req.transactionId, req.totalCost, now);
  return {};
}
