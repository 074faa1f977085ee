import type { Db } from '../../db/client.ts';
import type { ErrorItem } from '../../http/app-error.ts';
import { attributesOf, STANDARD_AUDIENCE_ATTRIBUTES, type AudienceRule } from './audience-rules.ts';

type AttributeDb = Pick<Db, 'customAttributeDefinition'>;

// Attributes the rules read that the workspace does not have: a typo would
// otherwise make an audience silently match nobody (or everybody).
export async function checkRuleAttributes(db: AttributeDb, workspaceId: number, rules: AudienceRule, field: string): Promise<ErrorItem[]> {
  const used = attributesOf(rules);
  const custom = used.filter((u) => !(STANDARD_AUDIENCE_ATTRIBUTES as readonly string[]).includes(u.attribute));
  if (custom.length === 0) return [];
  const defined = await db.customAttributeDefinition.findMany({
    where: { workspaceId, target: 'contact', name: { in: [...new Set(custom.map((u) => u.attribute))] } },
    select: { name: true },
  });
  const names = new Set(defined.map((d) => d.name));
  return custom
    .filter((u) => !names.has(u.attribute))
    .map((u) => {
      const at = [field, ...u.path].join('.');
      return { code: 'parameter_invalid', field: at, message: `${at}: no contact attribute named "${u.attribute}" (standard: ${STANDARD_AUDIENCE_ATTRIBUTES.join(', ')}; define custom attributes first)` };
    });
}
