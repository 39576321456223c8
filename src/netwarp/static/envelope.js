// envelope.js: the view's one binary form (netwarp.view.envelope), decoded. An envelope is a
// 16-byte header (magic "NWVIEW\0\0", uint32 version, uint32 JSON length), the JSON spec,
// zero padding to a multiple of 8, then the buffer, in which every array is 8-byte aligned
// and referenced from the spec as {dtype, offset, length}. A 'scene' envelope holds a whole
// view; a 'chunk' envelope epochs [e0, e1) of one run. No DOM here: it runs under node too.

export const MAGIC = 'NWVIEW\0\0';
export const VERSION = 1;
const HEADER = 16;
const TYPED = { float64: Float64Array, float32: Float32Array, int32: Int32Array, uint8: Uint8Array };

/** Bytes of an ArrayBuffer / typed array / DataView as an 8-byte aligned Uint8Array (copied only if not aligned). */
export function alignedBytes(data) {
  let u8;
  if (data instanceof ArrayBuffer) u8 = new Uint8Array(data);
  else if (data && data.buffer instanceof ArrayBuffer) u8 = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  else throw new Error('netwarp: the view holds no binary data');
  if (u8.byteOffset % 8 === 0) return u8;
  const copy = new Uint8Array(u8.byteLength);
  copy.set(u8);
  return copy;
}

function isRef(v) {
  return v && typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length === 3
    && typeof v.offset === 'number' && typeof v.length === 'number' && v.dtype in TYPED;
}

/** The typed array (a view, no copy) that `ref` names in `buffer` (an aligned Uint8Array). */
export function array(buffer, ref) {
  const T = TYPED[ref.dtype];
  if (ref.offset % 8 || ref.offset + ref.length * T.BYTES_PER_ELEMENT > buffer.byteLength) {
    throw new Error(`netwarp: array ${JSON.stringify(ref)} is outside the data buffer`);
  }
  return new T(buffer.buffer, buffer.byteOffset + ref.offset, ref.length);
}

/** `value` with every array reference replaced by its typed array. */
export function resolve(value, buffer) {
  if (isRef(value)) return array(buffer, value);
  if (Array.isArray(value)) return value.map((v) => resolve(v, buffer));
  if (value && typeof value === 'object') {
    const out = {};
    for (const [k, v] of Object.entries(value)) out[k] = resolve(v, buffer);
    return out;
  }
  return value;
}

/** Split an envelope: {kind, spec (references left in), buffer (aligned Uint8Array)}. */
export function split(data) {
  const bytes = alignedBytes(data);
  const magic = String.fromCharCode(...bytes.subarray(0, 8));
  if (bytes.byteLength < HEADER || magic !== MAGIC) throw new Error('netwarp: not a netwarp view envelope');
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = dv.getUint32(8, true);
  if (version !== VERSION) throw new Error(`netwarp: view envelope version ${version} is not supported`);
  const n = dv.getUint32(12, true);
  const spec = JSON.parse(new TextDecoder().decode(bytes.subarray(HEADER, HEADER + n)));
  const start = HEADER + n + ((8 - ((HEADER + n) % 8)) % 8);
  return { kind: spec.kind, spec, buffer: bytes.subarray(start) };
}

/** {kind, spec}: the envelope's spec with every array reference replaced by a typed array. */
export function decode(data) {
  const { kind, spec, buffer } = split(data);
  return { kind, spec: resolve(spec, buffer) };
}
