// Reads what the Teams app package rules need from a PNG: its size, and its pixels (8-bit RGB/RGBA, not interlaced)
// to check that the outline icon is white on a transparent background.
import { Buffer } from 'node:buffer';
import zlib from 'node:zlib';

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** { width, height, colorType, bitDepth, interlace, rgba?: Uint8Array } — rgba when the format is one we decode. */
export function readPng(bytes) {
  if (bytes.length < 33 || !bytes.subarray(0, 8).equals(SIGNATURE)) throw new Error('not a PNG file');
  const idat = [];
  let header;
  for (let at = 8; at + 8 <= bytes.length; ) {
    const length = bytes.readUInt32BE(at);
    const type = bytes.toString('ascii', at + 4, at + 8);
    const data = bytes.subarray(at + 8, at + 8 + length);
    if (type === 'IHDR') {
      header = { width: data.readUInt32BE(0), height: data.readUInt32BE(4), bitDepth: data[8], colorType: data[9], interlace: data[12] };
    } else if (type === 'IDAT') idat.push(data);
    else if (type === 'IEND') break;
    at += 12 + length;
  }
  if (!header) throw new Error('PNG without IHDR');
  const channels = { 2: 3, 6: 4 }[header.colorType];
  if (!channels || header.bitDepth !== 8 || header.interlace !== 0) return header;
  return { ...header, rgba: unfilter(zlib.inflateSync(Buffer.concat(idat)), header.width, header.height, channels) };
}

function unfilter(raw, width, height, channels) {
  const stride = width * channels;
  const out = new Uint8Array(width * height * 4);
  let previous = new Uint8Array(stride);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)];
    const line = Uint8Array.from(raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1)));
    for (let i = 0; i < stride; i++) {
      const left = i >= channels ? line[i - channels] : 0;
      const up = previous[i];
      const upLeft = i >= channels ? previous[i - channels] : 0;
      const predictor = [0, left, up, (left + up) >> 1, paeth(left, up, upLeft)][filter];
      if (predictor === undefined) throw new Error(`PNG filter ${filter} unknown`);
      line[i] = (line[i] + predictor) & 0xff;
    }
    for (let x = 0; x < width; x++) {
      out.set(line.subarray(x * channels, x * channels + 3), (y * width + x) * 4);
      out[(y * width + x) * 4 + 3] = channels === 4 ? line[x * channels + 3] : 255;
    }
    previous = line;
  }
  return out;
}

function paeth(a, b, c) {
  const p = a + b - c;
  const pa = Math.abs(p - a);
  const pb = Math.abs(p - b);
  const pc = Math.abs(p - c);
  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}

/** Problems with the outline icon per Teams' rules (white, on transparent): [] when fine. */
export function outlineProblems(png) {
  if (!png.rgba) return [`outline.png must be 8-bit RGBA (colour type ${png.colorType}, depth ${png.bitDepth})`];
  let transparent = 0;
  let notWhite = 0;
  for (let i = 0; i < png.rgba.length; i += 4) {
    const alpha = png.rgba[i + 3];
    if (alpha === 0) transparent++;
    else if (png.rgba[i] !== 255 || png.rgba[i + 1] !== 255 || png.rgba[i + 2] !== 255) notWhite++;
  }
  const problems = [];
  if (transparent === 0) problems.push('outline.png has no transparent pixel (its background must be transparent)');
  if (notWhite > 0) problems.push(`outline.png has ${notWhite} visible pixels that are not white`);
  return problems;
}
