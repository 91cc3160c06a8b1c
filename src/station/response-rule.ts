/** How the charge point answers a CSMS call (a scenario's `respond`): its own handler, or what the test wants. */
export interface ResponseRule {
  /** 'with': this payload; 'error': a CALLERROR with `errorCode`; 'timeout': no answer; 'default': the handler's. */
  mode: 'with' | 'error' | 'timeout' | 'default';
  payload?: Record<string, unknown>;
  errorCode?: string;
  /** Answer this much later (ms). */
  delayMs?: number;
}
