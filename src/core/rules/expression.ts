/**
 * The condition language of rules: a small expression language parsed by jsep into an AST, then
 * compiled once into closures over a whitelist of node types. Nothing is ever evaluated as
 * JavaScript (no eval, no Function): an identifier is only ever a lookup in the vocabulary the
 * model offers (the score, its features, the raw fields of a model with feature definitions), and
 * anything else (member access, ternaries, `this`, unknown functions) is refused at load.
 *
 * Types are checked at compile time (number, string, boolean), so `amt > "100"` or
 * `category > 3` is refused with the rule's path instead of quietly never matching. At run time a
 * missing value is null: arithmetic with null gives null, a comparison with null is false, and
 * only `x == null`, `x != null` and `missing(x)` look at it (documented in docs/rules.md).
 */

import jsep from 'jsep';

import { FraudlensError } from '../errors.js';
import { editDistance } from '../edit-distance.js';

/** A value a rule reads: a number, a string (category, key, text), or null (missing). */
export type RuleValue = number | string | null;

/**
 * What one evaluation sees. Reused between evaluations (the caller overwrites the fields), so
 * evaluating allocates nothing of its own.
 */
export interface RuleEnv {
  score: number;
  /** The model's features of the transaction (derived ones for a raw transaction). */
  features: Readonly<Record<string, unknown>>;
  /** The raw transaction of a model with feature definitions; null otherwise. */
  raw: Readonly<Record<string, unknown>> | null;
}

export type ValueType = 'number' | 'string' | 'boolean';

/** Where a name is read from, and as what. */
export interface VariableSpec {
  type: 'number' | 'string';
  source: 'feature' | 'raw';
}

/** The names a condition may use (besides `score`), with their types. */
export type Vocabulary = ReadonlyMap<string, VariableSpec>;

/** The reserved name of the model's fraud probability. */
export const SCORE_NAME = 'score';

/** Functions a condition may call, with what they take. */
export const RULE_FUNCTIONS = {
  starts_with: 'starts_with(text, "prefix") or starts_with(text, ["p1", "p2"]): true when text starts with a prefix (BIN lists)',
  missing: 'missing(x): true when x has no value',
  field: 'field("name"): the feature or raw field named so, for names that are not identifiers (with "-" or ".")',
  abs: 'abs(x): absolute value',
  min: 'min(a, b): the smaller number',
  max: 'max(a, b): the larger number',
} as const;

/** Longest condition text, so one rule cannot make parsing or evaluation costly. */
export const MAX_CONDITION_LENGTH = 4000;
/** Most items in one `in [...]` list or prefix list. */
export const MAX_LIST_ITEMS = 10_000;

type Fn = (env: RuleEnv) => unknown;
interface Compiled {
  fn: Fn;
  type: ValueType | 'null';
  /** The literal value when the node is a literal (lists, prefixes, null checks need it). */
  literal?: RuleValue | boolean;
}

// Word operators, as a rule writer reads them (Stripe Radar and SQL spell them so). jsep is
// configured once for the process: nothing else in fraudlens parses with it.
jsep.addBinaryOp('or', 1);
jsep.addBinaryOp('and', 2);
jsep.addBinaryOp('in', 7);
jsep.addUnaryOp('not');

/** A located refusal: `where` is the rule's path (`rules[2].when`). */
function refuse(where: string, message: string): never {
  // The message starts with the path; the caller adds the file to the location.
  throw new FraudlensError('RULES_INVALID', `${where}: ${message}`);
}

const isOwnRiskName = (name: string): boolean => name in Object.prototype;

/** Reads `name` from a record as a number (null when absent, empty or not a finite number). */
function numberReader(name: string, from: 'features' | 'raw'): Fn {
  const guard = isOwnRiskName(name);
  return (env) => {
    const rec = from === 'features' ? env.features : env.raw;
    if (rec === null || (guard && !Object.hasOwn(rec, name))) return null;
    const v = rec[name];
    if (typeof v === 'number') return Number.isFinite(v) ? v : null;
    if (typeof v === 'string' && v.trim() !== '') {
      const n = Number(v);
      return Number.isFinite(n) ? n : null;
    }
    return null;
  };
}

/** Reads `name` as text (numbers sent for a key field, such as a card number, become their decimal text). */
function stringReader(name: string, from: 'features' | 'raw'): Fn {
  const guard = isOwnRiskName(name);
  return (env) => {
    const rec = from === 'features' ? env.features : env.raw;
    if (rec === null || (guard && !Object.hasOwn(rec, name))) return null;
    const v = rec[name];
    if (typeof v === 'string') return v === '' ? null : v;
    if (typeof v === 'number' && Number.isFinite(v)) return String(v);
    return null;
  };
}

function nearest(name: string, known: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestD = Infinity;
  for (const k of known) {
    const d = editDistance(name, k);
    if (d < bestD) {
      bestD = d;
      best = k;
    }
  }
  return bestD <= Math.max(3, Math.floor(name.length / 3)) && bestD < name.length ? best : undefined;
}

class ConditionCompiler {
  /** Names the condition reads (for the backtest, which loads only those columns). */
  readonly names = new Set<string>();

  constructor(
    private readonly vocabulary: Vocabulary,
    private readonly where: string,
  ) {}

  compile(node: jsep.Expression): Compiled {
    switch (node.type) {
      case 'Literal':
        return this.literal(node as jsep.Literal);
      case 'Identifier':
        return this.variable((node as jsep.Identifier).name);
      case 'UnaryExpression':
        return this.unary(node as jsep.UnaryExpression);
      case 'BinaryExpression':
        return this.binary(node as jsep.BinaryExpression);
      case 'CallExpression':
        return this.call(node as jsep.CallExpression);
      case 'ArrayExpression':
        return refuse(this.where, 'a list [...] may only follow `in` or be the prefixes of starts_with');
      case 'MemberExpression':
        return refuse(
          this.where,
          'member access (a.b or a[b]) is not part of the language; for a name with "." use field("a.b")',
        );
      default:
        return refuse(this.where, `${node.type} is not part of the rule language`);
    }
  }

  private literal(node: jsep.Literal): Compiled {
    const v = node.value;
    if (v === null) return { fn: () => null, type: 'null', literal: null };
    if (typeof v === 'number') {
      if (!Number.isFinite(v)) refuse(this.where, `the number ${node.raw} is not finite`);
      return { fn: () => v, type: 'number', literal: v };
    }
    if (typeof v === 'string') return { fn: () => v, type: 'string', literal: v };
    if (typeof v === 'boolean') return { fn: () => v, type: 'boolean', literal: v };
    return refuse(this.where, `the literal ${node.raw} is not a number, string, boolean or null`);
  }

  private variable(name: string): Compiled {
    if (name === SCORE_NAME) {
      this.names.add(name);
      return { fn: (env) => env.score, type: 'number' };
    }
    return this.named(name);
  }

  /** A feature or raw field by name (identifiers, and field("...")). */
  private named(name: string): Compiled {
    const spec = this.vocabulary.get(name);
    if (spec === undefined) {
      const near = nearest(name, [SCORE_NAME, ...this.vocabulary.keys()]);
      refuse(
        this.where,
        `unknown name "${name}": not the score, a feature of the model${[...this.vocabulary.values()].some((s) => s.source === 'raw') ? ' or a raw field of its definitions' : ''}${near !== undefined ? ` (did you mean ${near}?)` : ''}`,
      );
    }
    this.names.add(name);
    const from = spec.source === 'feature' ? 'features' : 'raw';
    return { fn: spec.type === 'number' ? numberReader(name, from) : stringReader(name, from), type: spec.type };
  }

  private expect(c: Compiled, type: ValueType, what: string): void {
    if (c.type !== type) refuse(this.where, `${what} must be a ${type}, not a ${c.type}`);
  }

  private unary(node: jsep.UnaryExpression): Compiled {
    const arg = this.compile(node.argument);
    const a = arg.fn;
    switch (node.operator) {
      case 'not':
      case '!':
        this.expect(arg, 'boolean', `the operand of ${node.operator}`);
        return { fn: (env) => !(a(env) as boolean), type: 'boolean' };
      case '-':
        this.expect(arg, 'number', 'the operand of unary -');
        if (arg.literal !== undefined) {
          const v = -(arg.literal as number);
          return { fn: () => v, type: 'number', literal: v };
        }
        return {
          fn: (env) => {
            const v = a(env) as number | null;
            return v === null ? null : -v;
          },
          type: 'number',
        };
      case '+':
        this.expect(arg, 'number', 'the operand of unary +');
        return arg;
      default:
        return refuse(this.where, `the operator ${node.operator} is not part of the rule language`);
    }
  }

  private binary(node: jsep.BinaryExpression): Compiled {
    const op = node.operator;
    if (op === 'in') return this.membership(node);
    const left = this.compile(node.left);
    const right = this.compile(node.right);
    const l = left.fn;
    const r = right.fn;
    switch (op) {
      case 'and':
      case '&&':
        this.expect(left, 'boolean', `the left side of ${op}`);
        this.expect(right, 'boolean', `the right side of ${op}`);
        return { fn: (env) => (l(env) as boolean) && (r(env) as boolean), type: 'boolean' };
      case 'or':
      case '||':
        this.expect(left, 'boolean', `the left side of ${op}`);
        this.expect(right, 'boolean', `the right side of ${op}`);
        return { fn: (env) => (l(env) as boolean) || (r(env) as boolean), type: 'boolean' };
      case '==':
      case '!=':
        return this.equality(op, left, right);
      case '===':
      case '!==':
        return refuse(this.where, `use ${op.slice(0, 2)} rather than ${op}`);
      case '<':
      case '<=':
      case '>':
      case '>=':
        return this.ordering(op, left, right);
      case '+':
      case '-':
      case '*':
      case '/':
      case '%':
        this.expect(left, 'number', `the left side of ${op}`);
        this.expect(right, 'number', `the right side of ${op}`);
        return { fn: arithmetic(op, l, r), type: 'number' };
      default:
        return refuse(this.where, `the operator ${op} is not part of the rule language (comparisons, and/or/not, + - * / %, in)`);
    }
  }

  private equality(op: '==' | '!=', left: Compiled, right: Compiled): Compiled {
    const negate = op === '!=';
    // A null check: `x == null`, `null != x`.
    if (left.type === 'null' || right.type === 'null') {
      const other = left.type === 'null' ? right : left;
      if (other.type === 'null') refuse(this.where, 'comparing null with null is always true');
      const o = other.fn;
      return { fn: negate ? (env) => o(env) !== null : (env) => o(env) === null, type: 'boolean' };
    }
    if (left.type !== right.type) refuse(this.where, `${op} compares a ${left.type} with a ${right.type}`);
    const l = left.fn;
    const r = right.fn;
    // A missing value equals nothing and differs from nothing: both sides must have a value.
    if (negate)
      return {
        fn: (env) => {
          const a = l(env);
          const b = r(env);
          return a !== null && b !== null && a !== b;
        },
        type: 'boolean',
      };
    return {
      fn: (env) => {
        const a = l(env);
        return a !== null && a === r(env);
      },
      type: 'boolean',
    };
  }

  private ordering(op: '<' | '<=' | '>' | '>=', left: Compiled, right: Compiled): Compiled {
    this.expect(left, 'number', `the left side of ${op}`);
    this.expect(right, 'number', `the right side of ${op}`);
    const l = left.fn;
    const r = right.fn;
    // null < x is false in JavaScript only by accident (null converts to 0): say it explicitly.
    switch (op) {
      case '<':
        return { fn: (env) => lt(l(env), r(env)), type: 'boolean' };
      case '<=':
        return { fn: (env) => le(l(env), r(env)), type: 'boolean' };
      case '>':
        return { fn: (env) => lt(r(env), l(env)), type: 'boolean' };
      case '>=':
        return { fn: (env) => le(r(env), l(env)), type: 'boolean' };
    }
  }

  /** `x in [a, b, c]`: the list must hold literals of x's type; compiled to a Set lookup. */
  private membership(node: jsep.BinaryExpression): Compiled {
    const left = this.compile(node.left);
    if (left.type !== 'number' && left.type !== 'string') refuse(this.where, `the left side of in must be a number or a string`);
    const items = this.literalList(node.right, left.type, 'the right side of in');
    const set = new Set<RuleValue>(items);
    const l = left.fn;
    return { fn: (env) => set.has(l(env) as RuleValue), type: 'boolean' };
  }

  private literalList(node: jsep.Expression, type: 'number' | 'string', what: string): RuleValue[] {
    if (node.type !== 'ArrayExpression') refuse(this.where, `${what} must be a list of ${type}s in [...]`);
    const elements = (node as jsep.ArrayExpression).elements;
    if (elements.length === 0) refuse(this.where, `${what} is an empty list`);
    if (elements.length > MAX_LIST_ITEMS) refuse(this.where, `${what} holds ${elements.length} items; at most ${MAX_LIST_ITEMS}`);
    return elements.map((e, i) => {
      if (e === null) return refuse(this.where, `${what} has an empty item ${i + 1}`);
      const c = this.compile(e);
      if (c.literal === undefined || c.type !== type) refuse(this.where, `item ${i + 1} of ${what} must be a literal ${type}`);
      return c.literal as RuleValue;
    });
  }

  private call(node: jsep.CallExpression): Compiled {
    if (node.callee.type !== 'Identifier') refuse(this.where, 'only the functions of the rule language can be called');
    const name = (node.callee as jsep.Identifier).name;
    const args = node.arguments;
    const arity = (n: number): void => {
      if (args.length !== n) refuse(this.where, `${name} takes ${n} argument${n > 1 ? 's' : ''}, got ${args.length}`);
    };
    switch (name) {
      case 'starts_with': {
        arity(2);
        const text = this.compile(args[0]);
        this.expect(text, 'string', 'the first argument of starts_with');
        const prefixes =
          args[1].type === 'ArrayExpression'
            ? (this.literalList(args[1], 'string', 'the prefixes of starts_with') as string[])
            : [this.stringLiteral(args[1], 'the prefix of starts_with')];
        const t = text.fn;
        if (prefixes.length === 1) {
          const p = prefixes[0];
          return {
            fn: (env) => {
              const s = t(env) as string | null;
              return s !== null && s.startsWith(p);
            },
            type: 'boolean',
          };
        }
        return {
          fn: (env) => {
            const s = t(env) as string | null;
            if (s === null) return false;
            for (let i = 0; i < prefixes.length; i++) if (s.startsWith(prefixes[i])) return true;
            return false;
          },
          type: 'boolean',
        };
      }
      case 'missing': {
        arity(1);
        const x = this.compile(args[0]);
        if (x.type === 'boolean' || x.type === 'null') refuse(this.where, 'missing() takes a number or a string');
        const f = x.fn;
        return { fn: (env) => f(env) === null, type: 'boolean' };
      }
      case 'field': {
        arity(1);
        return this.named(this.stringLiteral(args[0], 'the argument of field'));
      }
      case 'abs': {
        arity(1);
        const x = this.compile(args[0]);
        this.expect(x, 'number', 'the argument of abs');
        const f = x.fn;
        return {
          fn: (env) => {
            const v = f(env) as number | null;
            return v === null ? null : Math.abs(v);
          },
          type: 'number',
        };
      }
      case 'min':
      case 'max': {
        arity(2);
        const a = this.compile(args[0]);
        const b = this.compile(args[1]);
        this.expect(a, 'number', `the first argument of ${name}`);
        this.expect(b, 'number', `the second argument of ${name}`);
        const fa = a.fn;
        const fb = b.fn;
        const pick = name === 'min' ? Math.min : Math.max;
        return {
          fn: (env) => {
            const x = fa(env) as number | null;
            const y = fb(env) as number | null;
            return x === null || y === null ? null : pick(x, y);
          },
          type: 'number',
        };
      }
      default:
        return refuse(this.where, `unknown function ${name}; the rule language has ${Object.keys(RULE_FUNCTIONS).join(', ')}`);
    }
  }

  private stringLiteral(node: jsep.Expression, what: string): string {
    const c = this.compile(node);
    if (c.type !== 'string' || c.literal === undefined) refuse(this.where, `${what} must be a literal string`);
    return c.literal as string;
  }
}

function lt(a: unknown, b: unknown): boolean {
  return a !== null && b !== null && (a as number) < (b as number);
}

function le(a: unknown, b: unknown): boolean {
  return a !== null && b !== null && (a as number) <= (b as number);
}

function arithmetic(op: '+' | '-' | '*' | '/' | '%', l: Fn, r: Fn): Fn {
  const both =
    (f: (a: number, b: number) => number): Fn =>
    (env) => {
      const a = l(env) as number | null;
      if (a === null) return null;
      const b = r(env) as number | null;
      if (b === null) return null;
      const v = f(a, b);
      // x / 0 has no value a rule can use: treated as missing, like a ratio feature over zero.
      return Number.isFinite(v) ? v : null;
    };
  switch (op) {
    case '+':
      return both((a, b) => a + b);
    case '-':
      return both((a, b) => a - b);
    case '*':
      return both((a, b) => a * b);
    case '/':
      return both((a, b) => a / b);
    case '%':
      return both((a, b) => a % b);
  }
}

/** A compiled condition: true when the rule applies. */
export interface CompiledCondition {
  test: (env: RuleEnv) => boolean;
  /** The names it reads (the score included), in first-use order. */
  names: readonly string[];
}

/**
 * Parses and compiles a condition.
 * @param text the condition as written in the rules file
 * @param vocabulary the names it may read, with their types (besides `score`)
 * @param where the rule's path for error messages (`rules[2].when`)
 * @example compileCondition('score > 0.5 and amt >= 1000', vocab, 'rules[0].when').test(env)
 */
export function compileCondition(text: string, vocabulary: Vocabulary, where: string): CompiledCondition {
  if (text.length > MAX_CONDITION_LENGTH)
    refuse(where, `the condition is ${text.length} characters long; at most ${MAX_CONDITION_LENGTH}`);
  let ast: jsep.Expression;
  try {
    ast = jsep(text);
  } catch (e) {
    const err = e as Error & { index?: number };
    return refuse(where, `cannot parse the condition: ${err.message}`);
  }
  if (ast.type === 'Compound') refuse(where, 'the condition holds several expressions; join them with and / or');
  const compiler = new ConditionCompiler(vocabulary, where);
  const c = compiler.compile(ast);
  if (c.type !== 'boolean') refuse(where, `the condition must be true or false, but it is a ${c.type}`);
  if (c.literal !== undefined) refuse(where, 'the condition is a constant; a rule must depend on the transaction or the score');
  const fn = c.fn as (env: RuleEnv) => boolean;
  return { test: fn, names: [...compiler.names] };
}
