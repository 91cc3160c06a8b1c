/**
 * `--features`: what the CSMS switches on in every 2.0.1 charge point of a bench case once the fleet
 * has booted, through the embedded CSMS's operator API (one broadcast call per feature), so the
 * steady state measures a fleet doing more than charging:
 *
 * - `smart-charging`: a TxDefaultProfile of 24 hourly periods (16 A / 10 A alternating), so every
 *   running transaction follows a composite limit with a boundary each hour (K01);
 * - `monitoring`: a Delta monitor on each EVSE's Power and a Periodic one (300 s) on the station's
 *   AvailabilityState, raising NotifyEvent (N04, N07);
 * - `display`: one NormalCycle display message (O01).
 */
export const BENCH_FEATURES = ['smart-charging', 'monitoring', 'display'] as const;
export type BenchFeature = (typeof BENCH_FEATURES)[number];

/** The operator API of the bench's CSMS. */
export interface BenchApi {
  base: string;
  token: string;
}

function calls(feature: BenchFeature): [action: string, request: object][] {
  switch (feature) {
    case 'smart-charging': {
      const periods = Array.from({ length: 24 }, (_, h) => ({ startPeriod: h * 3600, limit: h % 2 === 0 ? 16 : 10 }));
      const profile = {
        id: 1,
        stackLevel: 0,
        chargingProfilePurpose: 'TxDefaultProfile',
        chargingProfileKind: 'Recurring',
        recurrencyKind: 'Daily',
        chargingSchedule: [{ id: 1, startSchedule: new Date(Date.UTC(2020, 0, 1)).toISOString(), chargingRateUnit: 'A', chargingSchedulePeriod: periods }],
      };
      return [['SetChargingProfile', { evseId: 0, chargingProfile: profile }]];
    }
    case 'monitoring':
      return [
        [
          'SetVariableMonitoring',
          {
            setMonitoringData: [
              { value: 1000, type: 'Delta', severity: 8, component: { name: 'EVSE', evse: { id: 1 } }, variable: { name: 'Power' } },
              { value: 300, type: 'Periodic', severity: 8, component: { name: 'ChargingStation' }, variable: { name: 'AvailabilityState' } },
            ],
          },
        ],
      ];
    case 'display':
      return [['SetDisplayMessage', { message: { id: 1, priority: 'NormalCycle', message: { format: 'UTF8', content: 'Welcome to ocpp-sim' } } }]];
  }
}

type Outcome = { result?: { status?: string; setMonitoringResult?: { status: string }[] }; error?: { code: string } };

/** Why a charge point did not take the call: a CALLERROR's code, or a status other than Accepted; null when it did. */
function refusal(o: Outcome): string | null {
  if (o.error) return o.error.code;
  const statuses = o.result?.setMonitoringResult?.map((r) => r.status) ?? [o.result?.status];
  return statuses.find((st) => st !== 'Accepted') ?? null;
}

/**
 * Sends each feature's calls to every booted charge point; returns how many charge points accepted
 * each call (every status Accepted), and the first refusal seen (a feature the charge points do not have is
 * a visible error in the results, not a silently cheaper benchmark).
 */
export async function activateFeatures(api: BenchApi, features: readonly BenchFeature[]): Promise<{ action: string; ok: number; failed: number; firstError?: string }[]> {
  const out = [];
  for (const feature of features) {
    for (const [action, request] of calls(feature)) {
      const res = await fetch(`${api.base}/charge-points/*/${action}?timeout=120000`, {
        method: 'POST',
        headers: { authorization: `Bearer ${api.token}`, 'content-type': 'application/json' },
        body: JSON.stringify(request),
      });
      const body = (await res.json()) as { results?: Record<string, Outcome>; error?: { description: string } };
      const outcomes = Object.values(body.results ?? {});
      const refused = outcomes.map(refusal).filter((r) => r !== null);
      const firstError = body.error?.description ?? refused[0];
      out.push({ action, ok: outcomes.length - refused.length, failed: refused.length, ...(firstError ? { firstError } : {}) });
    }
  }
  return out;
}
