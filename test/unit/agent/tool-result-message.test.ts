import { describe, expect, it } from 'vitest';
import type { RunOutcome } from '../../../server/connectors/pipeline/run-connector.ts';
import { shapeResponse } from '../../../server/connectors/pipeline/shape-response.ts';
import { MAX_TOOL_CONTENT_CHARS, toolRefusalMessage, toolResultMessage } from '../../../server/agent/llm/tool-result-message.ts';

const SSN = '078-05-1120';
const rawResponse = { customer: { id: 'cus_9', ssn: SSN, internal_notes: 'VIP, do not refund' }, balance_cents: 4250, currency: 'eur' };

function outcome(extra: Partial<RunOutcome>): RunOutcome {
  return {
    success: true,
    executionResultId: '1',
    errorType: null,
    errorMessage: null,
    inputErrors: [],
    httpStatus: 200,
    data: null,
    rawData: rawResponse,
    requestUrl: 'http://127.0.0.1/balance',
    durationMs: 3,
    attempts: 1,
    calledApi: true,
    attributeChanges: { contact: {}, conversation: {} },
    debugOutput: null,
    warnings: [],
    otpAvailable: false,
    ...extra,
  };
}

describe('toolResultMessage', () => {
  it('sends the model only the shaped data, never a restricted raw field', () => {
    // The connector restricts access to the balance: ssn and notes are not selected.
    const { shaped } = shapeResponse(rawResponse, {
      mode: 'redacted_access',
      fields: [
        { path: 'balance_cents', label: 'Balance', selected: true, formatter: 'minor_units_to_amount', formatter_options: { currency: 'eur' } },
        { path: 'customer.ssn', selected: false, redacted: true },
        { path: 'customer.internal_notes', selected: false },
      ],
    });
    const message = toolResultMessage('call_1', outcome({ data: shaped }));
    expect(message.role).toBe('tool');
    expect(message.tool_call_id).toBe('call_1');
    expect(JSON.parse(message.content)).toEqual({ status: 'success', data: { Balance: '42.50 EUR' } });
    expect(message.content).not.toContain(SSN);
    expect(message.content).not.toContain('ssn');
    expect(message.content).not.toContain('VIP');
  });

  it('says a failed run failed, with the error type and a plain message, and no data', () => {
    const message = toolResultMessage('call_2', outcome({ success: false, errorType: '3rd_party_error', errorMessage: 'the API answered\nHTTP 502', httpStatus: 502 }));
    expect(JSON.parse(message.content)).toEqual({ status: 'failed', error_type: '3rd_party_error', message: 'the API answered HTTP 502' });
    expect(message.content).not.toContain(SSN);
  });

  it('names the inputs that were wrong so the model can ask the customer', () => {
    const message = toolResultMessage(
      'call_3',
      outcome({ success: false, errorType: 'request_validation_error', errorMessage: 'months: must be an integer', inputErrors: [{ field: 'months', message: 'must be an integer' }], rawData: null }),
    );
    expect(JSON.parse(message.content)).toEqual({
      status: 'failed',
      error_type: 'request_validation_error',
      message: 'months: must be an integer',
      input_errors: [{ field: 'months', message: 'must be an integer' }],
    });
  });

  it('reports a gate refusal for authentication as refused, with the one-time code offer', () => {
    const message = toolResultMessage(
      'call_4',
      outcome({ success: false, errorType: 'fin_action_identity_verification_error', errorMessage: 'the customer must verify their identity', otpAvailable: true, rawData: null, calledApi: false }),
    );
    expect(JSON.parse(message.content)).toEqual({
      status: 'refused',
      error_type: 'fin_action_identity_verification_error',
      message: 'the customer must verify their identity',
      otp_available: true,
    });
  });

  it('keeps an oversized shaped response within the limit and says it is partial', () => {
    const data = { rows: Array.from({ length: 5000 }, (_, i) => ({ i, text: 'line item' })) };
    const message = toolResultMessage('call_5', outcome({ data }));
    expect(message.content.length).toBeLessThanOrEqual(MAX_TOOL_CONTENT_CHARS);
    const parsed = JSON.parse(message.content) as { status: string; truncated: boolean; data_text: string };
    expect(parsed.truncated).toBe(true);
    expect(parsed.data_text.startsWith('{"rows":[{"i":0,')).toBe(true);
  });
});

describe('toolRefusalMessage', () => {
  it('refuses a tool call before any run, with the reason', () => {
    const message = toolRefusalMessage('call_6', { errorType: 'request_configuration_error', message: 'Not available for this customer:  audience' });
    expect(message).toEqual({
      role: 'tool',
      tool_call_id: 'call_6',
      content: JSON.stringify({ status: 'refused', error_type: 'request_configuration_error', message: 'Not available for this customer: audience' }),
    });
  });
});
