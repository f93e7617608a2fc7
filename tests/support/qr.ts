/**
 * Reading QR codes back in tests: a PNG (as WAAPI's `data:image/png;base64,…` URL or raw bytes) is
 * decoded with pngjs and jsQR, so a test compares the text a phone would read with what the sandbox
 * says it encoded; and the text blocks `pulumi-waapi link` prints, read the same way.
 */
import jsQR from "jsqr";
import { PNG } from "pngjs";

const DATA_URL_PREFIX = "data:image/png;base64,";

/** The text a PNG QR code encodes; throws if the image holds no readable QR code. */
export function decodeQrPng(png: Buffer): string {
  const image = PNG.sync.read(png);
  const found = jsQR(new Uint8ClampedArray(image.data), image.width, image.height);
  if (found === null) throw new Error(`no readable QR code in the ${image.width}x${image.height} PNG`);
  return found.data;
}

/** The text a `data:image/png;base64,…` QR code encodes. */
export function decodeQrDataUrl(dataUrl: string): string {
  if (!dataUrl.startsWith(DATA_URL_PREFIX)) {
    throw new Error(`not a PNG data URL: ${JSON.stringify(dataUrl.slice(0, 40))}`);
  }
  return decodeQrPng(Buffer.from(dataUrl.slice(DATA_URL_PREFIX.length), "base64"));
}

/*
 * The QR codes `pulumi-waapi link` prints, read back as a phone camera would: the text blocks
 * (qrcode's utf8 renderer: █ both modules dark, ▀ the top one, ▄ the bottom one, a space neither)
 * become pixels, and jsQR finds the code in them. ANSI colour codes are dropped first.
 */
// eslint-disable-next-line no-control-regex -- the escape character is what starts a colour code
const ANSI = /\u001b\[[0-9;]*m/g;
const QR_LINE = /^[ ▀▄█]{21,}$/;
/** Pixels per module: jsQR wants a few to find the finder patterns. */
const SCALE = 4;

/** The payloads of the QR codes in `output`, in the order printed. */
export function decodeTerminalQrCodes(output: string): string[] {
  const blocks: string[][] = [];
  let current: string[] = [];
  for (const line of output.replace(ANSI, "").split("\n")) {
    if (QR_LINE.test(line)) {
      current.push(line);
      continue;
    }
    if (current.length > 0) blocks.push(current);
    current = [];
  }
  if (current.length > 0) blocks.push(current);
  return blocks
    .filter((block) => block.some((line) => /[▀▄█]/.test(line)))
    .map((block) => {
      const payload = decodeBlock(block);
      if (payload === undefined) throw new Error(`a printed QR code could not be read:\n${block.join("\n")}`);
      return payload;
    });
}

function decodeBlock(lines: string[]): string | undefined {
  const width = Math.max(...lines.map((line) => [...line].length));
  const rows = lines.length * 2;
  const pixels = new Uint8ClampedArray(width * SCALE * rows * SCALE * 4).fill(255);
  const paint = (column: number, row: number) => {
    for (let dy = 0; dy < SCALE; dy++) {
      for (let dx = 0; dx < SCALE; dx++) {
        const offset = ((row * SCALE + dy) * width * SCALE + column * SCALE + dx) * 4;
        pixels[offset] = pixels[offset + 1] = pixels[offset + 2] = 0;
      }
    }
  };
  lines.forEach((line, index) => {
    [...line].forEach((character, column) => {
      if (character === "█" || character === "▀") paint(column, index * 2);
      if (character === "█" || character === "▄") paint(column, index * 2 + 1);
    });
  });
  return jsQR(pixels, width * SCALE, rows * SCALE)?.data;
}
