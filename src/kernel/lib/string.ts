/**
 * memcpy() between simulated buffers, without the TypedArray view (`subarray`) that
 * `dst.set(src.subarray(...))` allocates: short copies (headers, addresses) are a loop, long ones
 * go through one view and TypedArray#set. Ranges must not overlap unless dst and src differ.
 */
export function memcpy(dst: Uint8Array, dstOff: number, src: Uint8Array, srcOff: number, len: number): void {
  if (len > 64) {
    dst.set(src.subarray(srcOff, srcOff + len), dstOff);
    return;
  }
  for (let i = 0; i < len; i++) dst[dstOff + i] = src[srcOff + i]!;
}
