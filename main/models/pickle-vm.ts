// A minimal Python pickle machine for torch.save files: data only, nothing is ever imported or called. Own code on
// purpose: untrusted checkpoints need an allow-list of globals and torch's persistent-ID storages, which npm's pickle
// parsers (pickleparser, jpickle: pre-1.0, little used) do not offer as a safer base.
// Globals become inert PickleGlobal names; the caller gives meaning to the few it knows (reduce).
import { ModelImportError } from './import-error.ts';

/** A `module.name` the pickle refers to. Never resolved: the caller matches it by name. */
export class PickleGlobal {
  readonly module: string;
  readonly name: string;
  constructor(module: string, name: string) {
    this.module = module;
    this.name = name;
  }
  get qualifiedName(): string {
    return `${this.module}.${this.name}`;
  }
}

/** An instance of a class the caller does not know: its constructor arguments and state, kept inert. */
export class PickleObject {
  readonly type: unknown;
  readonly args: readonly unknown[];
  state: unknown = undefined;
  constructor(type: unknown, args: readonly unknown[]) {
    this.type = type;
    this.args = args;
  }
}

export interface UnpickleOptions {
  /** BINPERSID/PERSID: torch stores tensor storages outside the pickle. */
  persistentLoad(pid: unknown): unknown;
  /** REDUCE/NEWOBJ of a known global; return undefined to keep an inert PickleObject. */
  reduce?(callable: PickleGlobal, args: readonly unknown[]): unknown;
}

const MARK = Symbol('mark');
const latin1 = new TextDecoder('latin1');
const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Opcodes by byte; protocol 0 text opcodes beyond GLOBAL/PERSID are not used by torch.save. */
const OP = {
  PROTO: 0x80,
  FRAME: 0x95,
  STOP: 0x2e,
  MARK: 0x28,
  POP: 0x30,
  POP_MARK: 0x31,
  DUP: 0x32,
  NONE: 0x4e,
  NEWTRUE: 0x88,
  NEWFALSE: 0x89,
  BININT: 0x4a,
  BININT1: 0x4b,
  BININT2: 0x4d,
  LONG1: 0x8a,
  BINFLOAT: 0x47,
  BINUNICODE: 0x58,
  SHORT_BINUNICODE: 0x8c,
  BINUNICODE8: 0x8d,
  BINSTRING: 0x54,
  SHORT_BINSTRING: 0x55,
  BINBYTES: 0x42,
  SHORT_BINBYTES: 0x43,
  BINBYTES8: 0x8e,
  EMPTY_TUPLE: 0x29,
  TUPLE: 0x74,
  TUPLE1: 0x85,
  TUPLE2: 0x86,
  TUPLE3: 0x87,
  EMPTY_LIST: 0x5d,
  APPEND: 0x61,
  APPENDS: 0x65,
  LIST: 0x6c,
  EMPTY_DICT: 0x7d,
  DICT: 0x64,
  SETITEM: 0x73,
  SETITEMS: 0x75,
  EMPTY_SET: 0x8f,
  ADDITEMS: 0x90,
  GLOBAL: 0x63,
  STACK_GLOBAL: 0x93,
  REDUCE: 0x52,
  NEWOBJ: 0x81,
  BUILD: 0x62,
  BINPUT: 0x71,
  LONG_BINPUT: 0x72,
  MEMOIZE: 0x94,
  BINGET: 0x68,
  LONG_BINGET: 0x6a,
  BINPERSID: 0x51,
  PERSID: 0x50,
} as const;

function corrupt(message: string): ModelImportError {
  return new ModelImportError('CHECKPOINT_CORRUPT', `the checkpoint's pickle is damaged: ${message}`);
}

class Reader {
  readonly #bytes: Uint8Array;
  readonly #view: DataView;
  pos = 0;
  constructor(bytes: Uint8Array) {
    this.#bytes = bytes;
    this.#view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }
  #need(n: number): number {
    if (n < 0 || this.pos + n > this.#bytes.length) throw corrupt(`it ends early (byte ${this.pos})`);
    const at = this.pos;
    this.pos += n;
    return at;
  }
  u8 = () => this.#bytes[this.#need(1)]!;
  u16 = () => this.#view.getUint16(this.#need(2), true);
  u32 = () => this.#view.getUint32(this.#need(4), true);
  i32 = () => this.#view.getInt32(this.#need(4), true);
  u64 = () => Number(this.#view.getBigUint64(this.#need(8), true));
  f64 = () => this.#view.getFloat64(this.#need(8), false);
  bytes = (n: number) => this.#bytes.slice(this.#need(n), this.pos);
  line(): string {
    const end = this.#bytes.indexOf(0x0a, this.pos);
    if (end < 0) throw corrupt('a text argument has no end');
    const text = latin1.decode(this.#bytes.subarray(this.pos, end));
    this.pos = end + 1;
    return text;
  }
  utf8(n: number): string {
    try {
      return utf8.decode(this.bytes(n));
    } catch (error) {
      if (error instanceof ModelImportError) throw error;
      throw corrupt('a string is not UTF-8');
    }
  }
  /** LONG1: little-endian two's complement of n bytes. */
  long(n: number): number | bigint {
    const raw = this.bytes(n);
    let value = 0n;
    for (let i = raw.length - 1; i >= 0; i--) value = (value << 8n) | BigInt(raw[i]!);
    if (n > 0 && raw[n - 1]! >= 0x80) value -= 1n << BigInt(8 * n);
    return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value;
  }
}

export function unpickle(bytes: Uint8Array, options: UnpickleOptions): unknown {
  const input = new Reader(bytes);
  const stack: unknown[] = [];
  const memo = new Map<number, unknown>();
  const pop = (): unknown => {
    if (stack.length === 0) throw corrupt('stack underflow');
    const value = stack.pop();
    if (value === MARK) throw corrupt('unexpected mark');
    return value;
  };
  const top = (): unknown => {
    const value = stack.at(-1);
    if (stack.length === 0 || value === MARK) throw corrupt('stack underflow');
    return value;
  };
  const popMark = (): unknown[] => {
    const at = stack.lastIndexOf(MARK);
    if (at < 0) throw corrupt('no mark');
    const items = stack.splice(at);
    items.shift();
    return items;
  };
  const setItems = (target: unknown, items: unknown[]): void => {
    if (!(target instanceof Map)) throw corrupt('items set on something that is not a dict');
    if (items.length % 2) throw corrupt('odd number of dict items');
    for (let i = 0; i < items.length; i += 2) target.set(items[i], items[i + 1]);
  };
  const call = (callable: unknown, args: unknown): unknown => {
    if (!Array.isArray(args)) throw corrupt('call arguments are not a tuple');
    const known = callable instanceof PickleGlobal ? options.reduce?.(callable, args) : undefined;
    return known === undefined ? new PickleObject(callable, args) : known;
  };

  for (;;) {
    const op = input.u8();
    switch (op) {
      case OP.PROTO:
        input.u8();
        break;
      case OP.FRAME:
        input.u64();
        break;
      case OP.STOP:
        return pop();
      case OP.MARK:
        stack.push(MARK);
        break;
      case OP.POP:
        pop();
        break;
      case OP.POP_MARK:
        popMark();
        break;
      case OP.DUP:
        stack.push(top());
        break;
      case OP.NONE:
        stack.push(null);
        break;
      case OP.NEWTRUE:
        stack.push(true);
        break;
      case OP.NEWFALSE:
        stack.push(false);
        break;
      case OP.BININT:
        stack.push(input.i32());
        break;
      case OP.BININT1:
        stack.push(input.u8());
        break;
      case OP.BININT2:
        stack.push(input.u16());
        break;
      case OP.LONG1:
        stack.push(input.long(input.u8()));
        break;
      case OP.BINFLOAT:
        stack.push(input.f64());
        break;
      case OP.BINUNICODE:
        stack.push(input.utf8(input.u32()));
        break;
      case OP.SHORT_BINUNICODE:
        stack.push(input.utf8(input.u8()));
        break;
      case OP.BINUNICODE8:
        stack.push(input.utf8(input.u64()));
        break;
      case OP.BINSTRING:
        stack.push(latin1.decode(input.bytes(input.i32())));
        break;
      case OP.SHORT_BINSTRING:
        stack.push(latin1.decode(input.bytes(input.u8())));
        break;
      case OP.BINBYTES:
        stack.push(input.bytes(input.u32()));
        break;
      case OP.SHORT_BINBYTES:
        stack.push(input.bytes(input.u8()));
        break;
      case OP.BINBYTES8:
        stack.push(input.bytes(input.u64()));
        break;
      case OP.EMPTY_TUPLE:
        stack.push(Object.freeze([]));
        break;
      case OP.TUPLE:
        stack.push(Object.freeze(popMark()));
        break;
      case OP.TUPLE1:
        stack.push(Object.freeze([pop()]));
        break;
      case OP.TUPLE2: {
        const b = pop();
        stack.push(Object.freeze([pop(), b]));
        break;
      }
      case OP.TUPLE3: {
        const c = pop();
        const b = pop();
        stack.push(Object.freeze([pop(), b, c]));
        break;
      }
      case OP.EMPTY_LIST:
        stack.push([]);
        break;
      case OP.LIST:
        stack.push(popMark());
        break;
      case OP.APPEND: {
        const item = pop();
        listOf(top()).push(item);
        break;
      }
      case OP.APPENDS: {
        const items = popMark();
        listOf(top()).push(...items);
        break;
      }
      case OP.EMPTY_DICT:
        stack.push(new Map());
        break;
      case OP.DICT: {
        const map = new Map();
        setItems(map, popMark());
        stack.push(map);
        break;
      }
      case OP.SETITEM: {
        const value = pop();
        const key = pop();
        setItems(top(), [key, value]);
        break;
      }
      case OP.SETITEMS: {
        const items = popMark();
        setItems(top(), items);
        break;
      }
      case OP.EMPTY_SET:
        stack.push(new Set());
        break;
      case OP.ADDITEMS: {
        const items = popMark();
        const set = top();
        if (!(set instanceof Set)) throw corrupt('items added to a non-set');
        for (const item of items) set.add(item);
        break;
      }
      case OP.GLOBAL: {
        const module = input.line();
        stack.push(new PickleGlobal(module, input.line()));
        break;
      }
      case OP.STACK_GLOBAL: {
        const name = pop();
        const module = pop();
        stack.push(new PickleGlobal(String(module), String(name)));
        break;
      }
      case OP.REDUCE:
      case OP.NEWOBJ: {
        const args = pop();
        stack.push(call(pop(), args));
        break;
      }
      case OP.BUILD: {
        const state = pop();
        const target = top();
        if (target instanceof PickleObject) target.state = state;
        break;
      }
      case OP.BINPUT:
        memo.set(input.u8(), top());
        break;
      case OP.LONG_BINPUT:
        memo.set(input.u32(), top());
        break;
      case OP.MEMOIZE:
        memo.set(memo.size, top());
        break;
      case OP.BINGET:
      case OP.LONG_BINGET: {
        const key = op === OP.BINGET ? input.u8() : input.u32();
        if (!memo.has(key)) throw corrupt(`memo entry ${key} is missing`);
        stack.push(memo.get(key));
        break;
      }
      case OP.BINPERSID:
        stack.push(options.persistentLoad(pop()));
        break;
      case OP.PERSID:
        stack.push(options.persistentLoad(input.line()));
        break;
      default:
        throw new ModelImportError(
          'CHECKPOINT_UNSUPPORTED',
          `pickle opcode 0x${op.toString(16)} at byte ${input.pos - 1} is not used by torch.save state_dicts`,
        );
    }
  }
}

function listOf(value: unknown): unknown[] {
  if (!Array.isArray(value) || Object.isFrozen(value)) throw corrupt('items appended to something that is not a list');
  return value;
}
