import { describe, expect, it } from 'vitest';
import { explainUnknownVariable, findPlaceholders, hasUnbalancedBraces, replacePlaceholders } from '../../../server/connectors/template-variables.ts';

const known = {
  dataInputs: new Set(['order_id']),
  customAttributes: { contact: new Set(['plan']), conversation: new Set(['priority']), company: new Set(['tier']) },
};

describe('template variables', () => {
  it('finds placeholders with or without spaces', () => {
    expect(findPlaceholders('https://x/{{order_id}}/{{ user.email }}?q={{conversation.id}}')).toEqual(['order_id', 'user.email', 'conversation.id']);
    expect(replacePlaceholders('a{{ b }}c{{d}}', (n) => n.toUpperCase())).toBe('aBcD');
  });

  it('accepts data inputs, standard and custom attributes and messenger tokens', () => {
    for (const name of ['order_id', 'user.email', 'user.plan', 'conversation.priority', 'company.tier', 'company.name', 'conversation_part.body', 'auth_tokens.shop']) {
      expect(explainUnknownVariable(name, known), name).toBeNull();
    }
  });

  it('explains unknown variables', () => {
    expect(explainUnknownVariable('orderid', known)).toContain('add a data input named "orderid"');
    expect(explainUnknownVariable('user.shoe', known)).toContain('user has no attribute "shoe"');
    expect(explainUnknownVariable('secrets.key', known)).toContain('"secrets" is not a data input');
    expect(explainUnknownVariable('', known)).toContain('empty');
  });

  it('spots unbalanced braces', () => {
    expect(hasUnbalancedBraces('a {{b}} c')).toBe(false);
    expect(hasUnbalancedBraces('a {{b c')).toBe(true);
    expect(hasUnbalancedBraces('a b}} c')).toBe(true);
  });
});
