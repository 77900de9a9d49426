/**
 * Fills EventRecords from JSON objects (a raw transaction sent to /predict), with the same reading
 * rules as CellEventReader so online and offline derive the same features: numbers as numbers or
 * their decimal text, strings trimmed, '' / null / absent as missing. Only the fields the plan
 * reads are looked at; any other property is never touched. A request the features cannot be
 * computed from is refused with the catalogue error naming the field:
 *   - event time, id or an entity key field missing (absent, null, ''): INPUT_MISSING_COLUMN;
 *   - an event time or date that does not read in its format: INPUT_BAD_TIME;
 *   - a number field holding something else: INPUT_NOT_A_NUMBER;
 *   - an object, array or boolean where text is expected: INPUT_WRONG_TYPE.
 */

import { FraudlensError } from '../errors.js';
import type { EventRecord, FeaturePlan } from './plan.js';
import { parseDateWall, parseEventTime, type ZoneClock } from './time.js';

/** Longest value shown in a refusal (the value may be sensitive, so short). */
const SHOWN = 40;

function shown(value: unknown): string {
  const text = typeof value === 'string' ? JSON.stringify(value) : typeof value === 'number' ? String(value) : typeof value;
  return text.length > SHOWN ? `${text.slice(0, SHOWN - 3)}...` : text;
}

export class JsonEventReader {
  private readonly timeField: string;
  private readonly idField: string;
  /** Per string slot: 1 when it is a date (must read as YYYY-MM-DD), 2 when it is an entity key (required). */
  private readonly stringRole: Uint8Array;

  constructor(
    private readonly plan: FeaturePlan,
    private readonly clock: ZoneClock,
  ) {
    const defs = plan.definitions;
    this.timeField = defs.event.time.field;
    this.idField = defs.event.id;
    const keySlots = new Set(plan.groups.flatMap((g) => Array.from(g.keySlots)));
    this.stringRole = Uint8Array.from(plan.stringFields, (f, i) => (keySlots.has(i) ? 2 : defs.fields[f] === 'date' ? 1 : 0));
  }

  /**
   * Fills `event` from a JSON object.
   * @param where prefix of messages, e.g. `body` or `body/instances/3`
   * @throws FraudlensError naming the field (see the module comment)
   */
  read(body: Readonly<Record<string, unknown>>, event: EventRecord, where: string): void {
    const plan = this.plan;
    const timeValue = own(body, this.timeField);
    if (timeValue === undefined || timeValue === null || timeValue === '') throw missing(where, this.timeField, 'its event time');
    const format = plan.definitions.event.time.format;
    const t =
      typeof timeValue === 'number' || typeof timeValue === 'string'
        ? parseEventTime(String(timeValue), format, this.clock)
        : NaN;
    if (Number.isNaN(t)) {
      throw new FraudlensError('INPUT_BAD_TIME', `${where}/${this.timeField} ${shown(timeValue)} does not read as ${format}`, {
        field: this.timeField,
      });
    }
    event.time = t;
    const id = this.text(body, this.idField, where);
    if (id === '') throw missing(where, this.idField, 'its transaction id');
    event.id = id;

    const numberFields = plan.numberFields;
    for (let i = 0; i < numberFields.length; i++) {
      const name = numberFields[i];
      const v = own(body, name);
      let x = NaN;
      if (typeof v === 'number') x = v;
      else if (typeof v === 'string') {
        if (v.trim() !== '') {
          x = Number(v);
          if (!Number.isFinite(x)) throw notANumber(where, name, v);
        }
      } else if (v !== undefined && v !== null) throw notANumber(where, name, v);
      event.numbers[i] = x;
    }

    const stringFields = plan.stringFields;
    for (let i = 0; i < stringFields.length; i++) {
      const name = stringFields[i];
      const s = this.text(body, name, where);
      const role = this.stringRole[i];
      if (role === 2 && s === '') throw missing(where, name, 'an entity key');
      if (role === 1 && s !== '' && Number.isNaN(parseDateWall(s))) {
        throw new FraudlensError('INPUT_BAD_TIME', `${where}/${name} ${shown(s)} does not read as a date YYYY-MM-DD`, {
          field: name,
        });
      }
      event.strings[i] = s;
    }
  }

  /** A text field: a string trimmed, a finite number as its decimal text, '' when missing. */
  private text(body: Readonly<Record<string, unknown>>, name: string, where: string): string {
    const v = own(body, name);
    if (typeof v === 'string') return v.trim();
    if (typeof v === 'number') return String(v);
    if (v === undefined || v === null) return '';
    throw new FraudlensError('INPUT_WRONG_TYPE', `${where}/${name} must be a string or a number, got ${shown(v)}`, {
      field: name,
    });
  }
}

/** An own property only: a raw field named like an Object method is not "present" in every body. */
function own(body: Readonly<Record<string, unknown>>, name: string): unknown {
  return Object.hasOwn(body, name) ? body[name] : undefined;
}

function missing(where: string, field: string, what: string): FraudlensError {
  return new FraudlensError('INPUT_MISSING_COLUMN', `${where} must have the field "${field}" (${what})`, { field });
}

function notANumber(where: string, field: string, value: unknown): FraudlensError {
  return new FraudlensError('INPUT_NOT_A_NUMBER', `${where}/${field} must be a number, got ${shown(value)}`, { field });
}
