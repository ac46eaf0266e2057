// Draws the Teams app icons (a key: "access") and writes them as PNGs with nothing but node:zlib:
// appPackage/color.png 192×192 (white key on the accent colour) and appPackage/outline.png 32×32 (white on transparent).
//   node scripts/make-icons.mjs
import { Buffer } from 'node:buffer';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import zlib from 'node:zlib';

const appPackage = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'appPackage');
const ACCENT = [0x0f, 0x6c, 0xbd]; // manifest accentColor #0F6CBD
const WHITE = [0xff, 0xff, 0xff];

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(bytes) {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function chunk(type, data) {
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}
/** RGBA pixels (Uint8Array, width*height*4) → PNG file bytes (8-bit RGBA, filter 0 on every row). */
function encodePng(width, height, rgba) {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 6, 0, 0, 0], 8); // bit depth 8, colour type RGBA, deflate, no filter method, no interlace
  const rows = Buffer.alloc((width * 4 + 1) * height);
  for (let y = 0; y < height; y++) rows.set(rgba.subarray(y * width * 4, (y + 1) * width * 4), y * (width * 4 + 1) + 1);
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return Buffer.concat([signature, chunk('IHDR', header), chunk('IDAT', zlib.deflateSync(rows, { level: 9 })), chunk('IEND', Buffer.alloc(0))]);
}

/** The key in a unit square (0..1): a ring on the left, a shaft to the right, two teeth down; its box is
 *  x 0.11..0.86, y 0.23..0.62 (centre 0.485, 0.425; width 0.75). */
function insideKey(x, y) {
  const ring = Math.hypot(x - 0.3, y - 0.42);
  if (ring <= 0.19 && ring >= 0.09) return true;
  if (x >= 0.46 && x <= 0.86 && y >= 0.37 && y <= 0.47) return true; // shaft
  if (x >= 0.7 && x <= 0.78 && y >= 0.47 && y <= 0.62) return true; // tooth
  if (x >= 0.8 && x <= 0.86 && y >= 0.47 && y <= 0.57) return true; // tooth
  return false;
}

/** Maps a point of the icon to the key's square so that the key, centred, is `width` wide. */
function toKey(x, y, width) {
  const scale = 0.75 / width;
  return [0.485 + (x - 0.5) * scale, 0.425 + (y - 0.5) * scale];
}

/** Renders with 4×4 supersampling; `paint(x, y)` returns [r, g, b, a] (a 0..1) for a point of the unit square. */
function render(size, paint) {
  const rgba = new Uint8Array(size * size * 4);
  const n = 4;
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      let r = 0, g = 0, b = 0, a = 0;
      for (let sy = 0; sy < n; sy++) {
        for (let sx = 0; sx < n; sx++) {
          const [cr, cg, cb, ca] = paint((px + (sx + 0.5) / n) / size, (py + (sy + 0.5) / n) / size);
          r += cr * ca; g += cg * ca; b += cb * ca; a += ca;
        }
      }
      const i = (py * size + px) * 4;
      if (a > 0) rgba.set([Math.round(r / a), Math.round(g / a), Math.round(b / a), Math.round((a / (n * n)) * 255)], i);
    }
  }
  return rgba;
}

// Colour icon: the key fills the central ~60 % (Teams crops the corners), on a full accent-colour square.
const color = render(192, (x, y) => {
  return insideKey(...toKey(x, y, 0.6)) ? [...WHITE, 1] : [...ACCENT, 1];
});
// Outline icon: white key on transparent, nearly edge to edge.
const outline = render(32, (x, y) => {
  return insideKey(...toKey(x, y, 0.94)) ? [...WHITE, 1] : [0, 0, 0, 0];
});

fs.writeFileSync(path.join(appPackage, 'color.png'), encodePng(192, 192, color));
fs.writeFileSync(path.join(appPackage, 'outline.png'), encodePng(32, 32, outline));
console.log('wrote appPackage/color.png (192×192) and appPackage/outline.png (32×32)');
