/**
 * Strict mode checks our own answers against the schemas of the connection's version: an answer
 * that is valid in 1.6 but not in 2.0.1 passes on a 1.6 connection and, on a 2.0.1 one, is replaced
 * by an InternalError and thrown (csms/inbound.ts).
 */
import { describe, expect, it } from 'vitest';
import { CsmsStrictError, handleFrame } from '../../src/csms/inbound.js';
import { createStats } from '../../src/csms/stats.js';
import { bindingOf, type OcppVersion } from '../../src/csms/versions.js';

/** A connection of `version` whose test hook answers Authorize the 1.6 way; `sent` collects its frames. */
function connection(version: OcppVersion) {
  const sent: any[] = [];
  const core = {
    stats: createStats(),
    settings: { strict: true },
    onRequest: (_identity: string, action: string) => (action === 'Authorize' ? { idTagInfo: { status: 'Accepted' } } : undefined),
    logger: { line() {} },
  };
  const conn = { core, binding: bindingOf(version), identity: 'CP1', logged: false, send: (text: string) => sent.push(JSON.parse(text)) };
  return { conn: conn as any, sent };
}

describe('strict mode, per version', () => {
  it('1.6__a_1.6_answer_goes_out', () => {
    const { conn, sent } = connection('1.6');
    handleFrame(conn, JSON.stringify([2, 'a', 'Authorize', { idTag: 'TAG' }]));
    expect(sent).toEqual([[3, 'a', { idTagInfo: { status: 'Accepted' } }]]);
  });

  it('2.0.1__the_same_answer_is_schema_invalid__InternalError_then_thrown', () => {
    const { conn, sent } = connection('2.0.1');
    expect(() => handleFrame(conn, JSON.stringify([2, 'a', 'Authorize', { idToken: { idToken: 'TAG', type: 'ISO14443' } }]))).toThrow(CsmsStrictError);
    expect(sent).toEqual([[4, 'a', 'InternalError', 'The CSMS produced a schema-invalid response', {}]]);
  });
});
