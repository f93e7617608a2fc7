/**
 * WAAPI's QR code, from the PNG data URL it serves to text a phone camera scans in a terminal.
 *
 * The PNG is decoded (pngjs: pure JS, no native build) and its payload read back (jsQR), then encoded
 * again with `qrcode` and drawn with its utf8 renderer: two modules per character cell (▀ ▄ █), a
 * four-module quiet zone as the standard asks. Re-encoding, rather than scaling WAAPI's pixels down
 * to characters, gives a code of the smallest size for the payload whatever the image's resolution
 * and margins, and the payload itself is what a rotation changes, so it is also what `link` compares.
 */
import jsQR from "jsqr";
import { PNG } from "pngjs";
import QRCode from "qrcode";

/** The image inside a `data:image/png;base64,…` URL. */
export function pngFromDataUrl(dataUrl: string): Buffer {
  const match = /^data:image\/png;base64,([A-Za-z0-9+/=\s]+)$/.exec(dataUrl.trim());
  if (!match?.[1]) throw new QrCodeError("WAAPI's QR code is not a PNG data URL (data:image/png;base64,…).");
  return Buffer.from(match[1], "base64");
}

/** The text a PNG's QR code holds. */
export function decodeQrPng(png: Buffer): string {
  let image: PNG;
  try {
    image = PNG.sync.read(png);
  } catch {
    throw new QrCodeError("WAAPI's QR code image is not a readable PNG.");
  }
  const pixels = new Uint8ClampedArray(image.data.buffer, image.data.byteOffset, image.data.byteLength);
  const found = jsQR(pixels, image.width, image.height);
  if (found === null || found.data === "")
    throw new QrCodeError("WAAPI's QR code image holds no readable QR code.");
  return found.data;
}

/** ANSI: black on white, so that the code is dark on light on any terminal theme; then reset. */
const DARK_ON_LIGHT = "\u001b[30;47m";
const RESET = "\u001b[0m";

/**
 * `payload` as a QR code of text blocks, one terminal line per two rows of modules. With `color`,
 * each line sets black on white itself: the utf8 renderer draws the dark modules as glyphs, which on
 * a dark terminal theme would otherwise come out light on dark, an inverted code that many scanners
 * refuse. Without it (NO_COLOR), the glyphs are plain.
 */
export async function renderQrForTerminal(payload: string, { color = true } = {}): Promise<string> {
  const text = await QRCode.toString(payload, { type: "utf8", margin: 4, errorCorrectionLevel: "L" });
  const lines = text.split("\n").filter((line) => line !== "");
  return `${lines.map((line) => (color ? `${DARK_ON_LIGHT}${line}${RESET}` : line)).join("\n")}\n`;
}

/** The QR code could not be read; the message says whose image it was. */
export class QrCodeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "QrCodeError";
  }
}
