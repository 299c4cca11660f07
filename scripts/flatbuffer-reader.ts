// Reads tables, vectors and strings of a FlatBuffer (the TFLite model format) by field index. Own code: the flatbuffers
// package's table readers are classes flatc generates from a schema (a compiler the build lacks); without them its
// ByteBuffer gives the same raw reads as these 70 lines.

export class FlatReader {
  readonly bytes: Uint8Array;
  readonly view: DataView;
  constructor(bytes: Uint8Array) {
    this.bytes = bytes;
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }
  u32(at: number): number {
    return this.view.getUint32(at, true);
  }
  /** Absolute position of field `i` of the table at `at`, or null when absent. */
  field(at: number, i: number): number | null {
    const vtable = at - this.view.getInt32(at, true);
    const vtSize = this.view.getUint16(vtable, true);
    const o = 4 + 2 * i < vtSize ? this.view.getUint16(vtable + 4 + 2 * i, true) : 0;
    return o ? at + o : null;
  }
  deref(slot: number): number {
    return slot + this.u32(slot);
  }
  /** Targets of a vector of tables (or strings). */
  vector(at: number): number[] {
    return Array.from({ length: this.u32(at) }, (_, i) => this.deref(at + 4 + 4 * i));
  }
  string(at: number): string {
    return new TextDecoder().decode(this.bytes.subarray(at + 4, at + 4 + this.u32(at)));
  }
  fieldCount(at: number): number {
    return (this.view.getUint16(at - this.view.getInt32(at, true), true) - 4) / 2;
  }
  /** The table that field `i` of the table at `at` points to, or null. */
  table(at: number, i: number): number | null {
    const slot = this.field(at, i);
    return slot === null ? null : this.deref(slot);
  }
  /** Tables of the vector in field `i`, [] when absent. */
  tables(at: number, i: number): number[] {
    const target = this.table(at, i);
    return target === null ? [] : this.vector(target);
  }
  /** Inline scalars of field `i` (default when absent). */
  fieldU8(at: number, i: number, fallback = 0): number {
    const slot = this.field(at, i);
    return slot === null ? fallback : this.view.getUint8(slot);
  }
  fieldI8(at: number, i: number, fallback = 0): number {
    const slot = this.field(at, i);
    return slot === null ? fallback : this.view.getInt8(slot);
  }
  fieldI32(at: number, i: number, fallback = 0): number {
    const slot = this.field(at, i);
    return slot === null ? fallback : this.view.getInt32(slot, true);
  }
  fieldU32(at: number, i: number, fallback = 0): number {
    const slot = this.field(at, i);
    return slot === null ? fallback : this.u32(slot);
  }
  fieldString(at: number, i: number): string | null {
    const target = this.table(at, i);
    return target === null ? null : this.string(target);
  }
  /** A vector of int32 in field `i`, [] when absent. */
  fieldI32s(at: number, i: number): number[] {
    const target = this.table(at, i);
    if (target === null) return [];
    return Array.from({ length: this.u32(target) }, (_, k) => this.view.getInt32(target + 4 + 4 * k, true));
  }
  /** The bytes of a [ubyte] vector in field `i` (a view, not a copy), empty when absent. */
  fieldBytes(at: number, i: number): Uint8Array {
    const target = this.table(at, i);
    if (target === null) return new Uint8Array(0);
    return this.bytes.subarray(target + 4, target + 4 + this.u32(target));
  }
}
