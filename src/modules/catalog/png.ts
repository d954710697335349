// A minimal PNG encoder (8-bit RGB, no interlace) for generated demo images: no network, no image package.
import { deflateSync } from "node:zlib";

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, data.length);
  out.set(new TextEncoder().encode(type), 4);
  out.set(data, 8);
  view.setUint32(8 + data.length, crc32(out.subarray(4, 8 + data.length)));
  return out;
}

export type Rgb = readonly [number, number, number];

/** Encodes width×height RGB pixels (row-major, 3 bytes each). */
export function encodePng(width: number, height: number, rgb: Uint8Array): Uint8Array<ArrayBuffer> {
  const stride = width * 3;
  const raw = new Uint8Array(height * (1 + stride));
  for (let y = 0; y < height; y++) raw.set(rgb.subarray(y * stride, (y + 1) * stride), y * (1 + stride) + 1); // filter 0
  const ihdr = new Uint8Array(13);
  const v = new DataView(ihdr.buffer);
  v.setUint32(0, width);
  v.setUint32(4, height);
  ihdr.set([8, 2, 0, 0, 0], 8); // bit depth 8, colour type RGB, deflate, adaptive filtering, no interlace
  const parts = [
    new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", ihdr),
    chunk("IDAT", new Uint8Array(deflateSync(raw))),
    chunk("IEND", new Uint8Array(0)),
  ];
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

const scale = (color: Rgb, k: number): Rgb => [Math.min(255, Math.round(color[0] * k)), Math.min(255, Math.round(color[1] * k)), Math.min(255, Math.round(color[2] * k))];

/** A soft product "photo": a vertical gradient of `color` with a lighter centred disc. */
export function productImage(color: Rgb, size = 128): Uint8Array<ArrayBuffer> {
  const rgb = new Uint8Array(size * size * 3);
  const c = (size - 1) / 2;
  const r = size * 0.3;
  const disc = scale(color, 1.15);
  for (let y = 0; y < size; y++) {
    const bg = scale(color, 0.75 + 0.25 * (1 - y / size));
    const half = r * r - (y - c) * (y - c) > 0 ? Math.sqrt(r * r - (y - c) * (y - c)) : -1;
    for (let x = 0; x < size; x++) {
      const px = Math.abs(x - c) <= half ? disc : bg;
      const i = (y * size + x) * 3;
      rgb[i] = px[0];
      rgb[i + 1] = px[1];
      rgb[i + 2] = px[2];
    }
  }
  return encodePng(size, size, rgb);
}
