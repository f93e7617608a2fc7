/**
 * Reading QR codes back in tests: a PNG (as WAAPI's `data:image/png;base64,…` URL or raw bytes) is
 * decoded with pngjs and jsQR, so a test compares the text a phone would read with what the sandbox
 * says it encoded.
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
