import QRCode from "qrcode";
import { decodeTerminalQrCodes } from "../tests/support/qr";
import { QrCodeError, decodeQrPng, pngFromDataUrl, renderQrForTerminal } from "./terminal-qr";

// What a WhatsApp Web QR code holds: a ref, two keys and a secret, comma-separated.
const PAYLOAD =
  "2@Xk3Lq9vB0wYtR7uE1sZmPcN5aHdF8gJ,t1Yw7bQ2n0vE9sK4mLrPc3xZ6uHgAd5fJ8iO=,QmV4aW5nIGlzIG5vdCBhIHNlY3JldA==,1";

it("reads the payload out of a PNG data URL such as WAAPI serves", async () => {
  const dataUrl = await QRCode.toDataURL(PAYLOAD, { type: "image/png", scale: 6 });
  expect(decodeQrPng(pngFromDataUrl(dataUrl))).toBe(PAYLOAD);
});

it("draws it as text blocks that decode back to the same payload, coloured or plain", async () => {
  const coloured = await renderQrForTerminal(PAYLOAD);
  expect(coloured).toContain("\u001b[30;47m"); // black on white, whatever the terminal's theme
  expect(decodeTerminalQrCodes(`Scan this:\n${coloured}waiting…\n`)).toEqual([PAYLOAD]);
  const plain = await renderQrForTerminal(PAYLOAD, { color: false });
  expect(plain).not.toContain("\u001b[");
  expect(decodeTerminalQrCodes(plain)).toEqual([PAYLOAD]);
  // Two modules a character: a code of n modules and a 4-module margin each side is n + 8 wide.
  const modules = QRCode.create(PAYLOAD, { errorCorrectionLevel: "L" }).modules.size;
  expect(plain.split("\n")[0]).toHaveLength(modules + 8);
  expect(plain.split("\n").filter((line) => line !== "")).toHaveLength(4 + Math.ceil(modules / 2));
});

it("says what is wrong with an image that is not a QR code PNG", async () => {
  expect(() => pngFromDataUrl("data:image/jpeg;base64,AAAA")).toThrow(QrCodeError);
  expect(() => decodeQrPng(Buffer.from("not a png"))).toThrow(/not a readable PNG/);
  const blank = await QRCode.toBuffer("x", { type: "png" });
  // A valid PNG without a code in it: a code's image with every pixel made white.
  const { PNG } = await import("pngjs");
  const image = PNG.sync.read(blank);
  image.data.fill(255);
  expect(() => decodeQrPng(PNG.sync.write(image))).toThrow(/holds no readable QR code/);
});
