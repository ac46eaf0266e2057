// Azure ABAC role-assignment conditions (conditionVersion "2.0") for Microsoft.Authorization/roleAssignments: parse and evaluate.
// Covers the grammar of Microsoft's "delegate role assignments with conditions" examples (CSP notes §4.2): ActionMatches,
// @Request/@Resource attributes RoleDefinitionId, PrincipalType and PrincipalId, GUID and string operators with the
// ForAnyOfAnyValues-style quantifiers, !/NOT, AND, OR and parentheses. Anything else does not parse, and a condition
// that does not parse allows nothing.

/** What ARM knows about the role assignment being written (@Request) or deleted (@Resource). */
export interface RoleAssignmentAttributes {
  /** Bare role definition GUID. */
  readonly roleDefinitionId: string;
  readonly principalType: string;
  readonly principalId: string;
}

export interface ConditionContext {
  /** The action being authorised, e.g. Microsoft.Authorization/roleAssignments/write. */
  readonly action: string;
  readonly request?: RoleAssignmentAttributes;
  readonly resource?: RoleAssignmentAttributes;
}

type Node =
  | { kind: 'and' | 'or'; left: Node; right: Node }
  | { kind: 'not'; operand: Node }
  | { kind: 'action'; pattern: string }
  | { kind: 'compare'; source: 'request' | 'resource'; attribute: keyof RoleAssignmentAttributes; operator: string; quantifier: string | undefined; values: string[] };

const ATTRIBUTES: Record<string, keyof RoleAssignmentAttributes> = {
  'microsoft.authorization/roleassignments:roledefinitionid': 'roleDefinitionId',
  'microsoft.authorization/roleassignments:principaltype': 'principalType',
  'microsoft.authorization/roleassignments:principalid': 'principalId',
};
const OPERATORS = ['guidequals', 'guidnotequals', 'stringequals', 'stringnotequals', 'stringequalsignorecase', 'stringnotequalsignorecase'];
const QUANTIFIERS = ['foranyofanyvalues', 'forallofanyvalues', 'foranyofallvalues', 'forallofallvalues'];

const TOKEN = /\s*(\(|\)|!|&&|\|\||AND\b|OR\b|NOT\b|ActionMatches\s*\{\s*'[^']*'\s*\}|@(?:Request|Resource)\[[^\]]+\]|(?:\w+:)?\w+|\{[^}]*\}|'[^']*')/giy;

function tokenize(text: string): string[] | undefined {
  const tokens: string[] = [];
  TOKEN.lastIndex = 0;
  while (TOKEN.lastIndex < text.length) {
    if (/^\s*$/.test(text.slice(TOKEN.lastIndex))) break;
    const match = TOKEN.exec(text);
    if (!match?.[1]) return undefined;
    tokens.push(match[1]);
  }
  return tokens;
}

const unquote = (value: string): string => value.trim().replace(/^'(.*)'$/s, '$1').trim();

/** Recursive descent: or := and (OR and)*; and := unary (AND unary)*; unary := (!|NOT) unary | '(' or ')' | atom. */
function parse(tokens: string[]): Node | undefined {
  let at = 0;
  const peek = (): string => tokens[at] ?? '';
  const isWord = (word: string): boolean => peek().toUpperCase() === word;
  const parseOr = (): Node | undefined => {
    let left = parseAnd();
    while (left && (isWord('OR') || peek() === '||')) {
      at += 1;
      const right = parseAnd();
      left = right ? { kind: 'or', left, right } : undefined;
    }
    return left;
  };
  const parseAnd = (): Node | undefined => {
    let left = parseUnary();
    while (left && (isWord('AND') || peek() === '&&')) {
      at += 1;
      const right = parseUnary();
      left = right ? { kind: 'and', left, right } : undefined;
    }
    return left;
  };
  const parseUnary = (): Node | undefined => {
    const token = peek();
    if (token === '!' || isWord('NOT')) {
      at += 1;
      const operand = parseUnary();
      return operand ? { kind: 'not', operand } : undefined;
    }
    if (token === '(') {
      at += 1;
      const inner = parseOr();
      if (peek() !== ')') return undefined;
      at += 1;
      return inner;
    }
    const action = /^ActionMatches\s*\{\s*'([^']*)'\s*\}$/i.exec(token);
    if (action?.[1] !== undefined) {
      at += 1;
      return { kind: 'action', pattern: action[1] };
    }
    const attribute = /^@(Request|Resource)\[([^\]]+)\]$/i.exec(token);
    const name = ATTRIBUTES[(attribute?.[2] ?? '').trim().toLowerCase()];
    if (!attribute?.[1] || !name) return undefined;
    const [quantifierOrOperator, operatorAfter] = (tokens[at + 1] ?? '').toLowerCase().split(':');
    const quantifier = operatorAfter === undefined ? undefined : quantifierOrOperator;
    const operator = operatorAfter ?? quantifierOrOperator ?? '';
    if (!OPERATORS.includes(operator) || (quantifier !== undefined && !QUANTIFIERS.includes(quantifier))) return undefined;
    const rawValue = tokens[at + 2] ?? '';
    const values = rawValue.startsWith('{') ? rawValue.slice(1, -1).split(',').map(unquote) : [unquote(rawValue)];
    if (values.some((v) => v === '')) return undefined;
    at += 3;
    return { kind: 'compare', source: attribute[1].toLowerCase() === 'request' ? 'request' : 'resource', attribute: name, operator, quantifier, values };
  };
  const tree = parseOr();
  return tree && at === tokens.length ? tree : undefined;
}

/** ARM action patterns: `*` is a wildcard; comparison ignores case. */
export function actionMatches(pattern: string, action: string): boolean {
  const regex = pattern.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\/]/g, '\\$&')).join('.*');
  return new RegExp(`^${regex}$`, 'i').test(action);
}

function compare(node: Extract<Node, { kind: 'compare' }>, context: ConditionContext): boolean {
  const attributes = node.source === 'request' ? context.request : context.resource;
  if (!attributes) return false;
  const actual = attributes[node.attribute];
  const negated = node.operator.includes('notequals');
  const ignoreCase = node.operator.startsWith('guid') || node.operator.endsWith('ignorecase');
  const equal = (value: string): boolean => (ignoreCase ? value.toLowerCase() === actual.toLowerCase() : value === actual);
  // One attribute value: "any of all values" asks that it equal every listed value; the other quantifiers, any of them.
  const allValues = node.quantifier?.endsWith('ofallvalues') ?? false;
  const matched = allValues ? node.values.every(equal) : node.values.some(equal);
  return negated ? !(allValues ? node.values.some(equal) : matched) : matched;
}

function evaluate(node: Node, context: ConditionContext): boolean {
  switch (node.kind) {
    case 'and': return evaluate(node.left, context) && evaluate(node.right, context);
    case 'or': return evaluate(node.left, context) || evaluate(node.right, context);
    case 'not': return !evaluate(node.operand, context);
    case 'action': return actionMatches(node.pattern, context.action);
    case 'compare': return compare(node, context);
  }
}

/** Whether a role assignment's condition lets `context.action` through; a condition that does not parse lets nothing through. */
export function conditionAllows(condition: string, context: ConditionContext): boolean {
  const tokens = tokenize(condition);
  const tree = tokens ? parse(tokens) : undefined;
  return tree !== undefined && evaluate(tree, context);
}

/** Whether a condition is one the sandbox understands (a PUT with another is refused as ARM refuses a bad condition). */
export function conditionParses(condition: string): boolean {
  const tokens = tokenize(condition);
  return tokens !== undefined && parse(tokens) !== undefined;
}
