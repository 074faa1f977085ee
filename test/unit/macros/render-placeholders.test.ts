import { describe, expect, it } from 'vitest';
import { parsePlaceholders, placeholderContext, placeholdersToHtml, renderPlaceholders } from '../../../server/macros/render-placeholders.ts';

const context = placeholderContext({
  contact: { id: 7, name: 'Ann Lee', email: 'ann@example.test', externalId: 'u-1', role: 'user', customAttributes: { plan: 'pro', seats: 3, vip: false, 'order.status': 'shipped', nested: { a: 1 }, blank: '' } },
  company: { id: 2, name: 'Acme', customAttributes: { tier: 'gold' } },
  conversation: { id: 9, title: 'Refund', state: 'open', customAttributes: { order_id: 'A-1' } },
  teammate: { id: 3, name: 'Bo Admin', email: 'bo@example.test' },
});

describe('renderPlaceholders', () => {
  it.each([
    ['Hi {{contact.name}}', 'Hi Ann Lee'],
    ['Hi {{user.first_name}}', 'Hi Ann'],
    ['{{user.email}} / {{user.user_id}}', 'ann@example.test / u-1'],
    ['{{contact.custom_attributes.plan}} x{{contact.custom_attributes.seats}} {{contact.custom_attributes.vip}}', 'pro x3 false'],
    ['{{conversation.custom_attributes.order_id}}', 'A-1'],
    ['{{company.name}} {{company.custom_attributes.tier}}', 'Acme gold'],
    ['I am {{teammate.name}}', 'I am Bo Admin'],
    // attribute names with dots
    ['{{contact.custom_attributes.order.status}}', 'shipped'],
  ])('%s -> %s', (text, expected) => {
    expect(renderPlaceholders(text, context)).toBe(expected);
  });

  it('uses the fallback, in either quoting style and spacing, for missing, empty, null or non-scalar values', () => {
    expect(renderPlaceholders(`Hi {{contact.nickname|fallback:"there"}}`, context)).toBe('Hi there');
    expect(renderPlaceholders(`Hi {{ contact.custom_attributes.blank | fallback: 'friend' }}!`, context)).toBe('Hi friend!');
    expect(renderPlaceholders(`{{contact.custom_attributes.nested|fallback:"n/a"}}`, context)).toBe('n/a');
    expect(renderPlaceholders(`{{order.number}}|{{conversation.custom_attributes.missing}}`, context)).toBe('|');
    const noCompany = placeholderContext({ contact: null, company: null, conversation: { id: 1, title: null, state: 'open', customAttributes: {} }, teammate: null });
    expect(renderPlaceholders('{{company.name|fallback:"your company"}} {{teammate.name}}{{contact.name}}', noCompany)).toBe('your company ');
  });

  it('only looks data up: no expressions, no prototype or constructor access', () => {
    const evil = [
      '{{contact.constructor}}',
      '{{contact.__proto__}}',
      '{{contact.name.length}}',
      '{{contact.toString}}',
      '{{process.env.HOME}}',
      '{{ contact.name + 1 }}',
      '{{constructor.constructor}}',
    ];
    expect(evil.map((t) => renderPlaceholders(t, context))).toEqual(['', '', '', '', '', '{{ contact.name + 1 }}', '']);
  });

  it('leaves text that is not a placeholder alone', () => {
    expect(renderPlaceholders('a {b} {{ }} {{1x}} c', context)).toBe('a {b} {{ }} {{1x}} c');
  });
});

describe('placeholdersToHtml', () => {
  it('writes placeholders as <attribute/> tags, escapes text and defaults, and makes paragraphs', () => {
    expect(placeholdersToHtml(`Hi {{user.name | fallback: 'there'}}, your order #{{order.number}} is ready!`)).toBe(
      '<p>Hi <attribute key="user.name" default="there"/>, your order #<attribute key="order.number"/> is ready!</p>',
    );
    expect(placeholdersToHtml('Hi {{user.first_name|fallback:"<b>&"}},\n\nLine one\nline <two>')).toBe(
      '<p>Hi <attribute key="user.first_name" default="&lt;b&gt;&amp;"/>,</p><p>Line one<br>line &lt;two&gt;</p>',
    );
    expect(placeholdersToHtml('')).toBe('');
  });

  it('parses placeholders with their fallbacks', () => {
    expect(parsePlaceholders('a{{x.y|fallback:"z"}}b{{q}}')).toEqual(['a', { key: 'x.y', fallback: 'z' }, 'b', { key: 'q', fallback: null }]);
  });
});
