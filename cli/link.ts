/**
 * `pulumi-waapi link`: gets a phone to link an instance, from the terminal. It shows WAAPI's QR code
 * (re-drawn as text blocks, or written as WAAPI's own PNG), shows it again each time WAAPI replaces
 * it, or with a phone number asks WAAPI for a pairing code; then waits for the line to be `ready`
 * and says who linked it. The instance id comes resolved (run.ts); nothing here reads Pulumi.
 */
import { writeFileSync } from "node:fs";
import type { WaapiClient } from "../provider/client";
import { WaapiActionError, WaapiNotFoundError } from "../provider/client";
import type { InstanceStatus } from "../provider/waapi-api";
import type { LinkFormat } from "./args";
import { decodeQrPng, pngFromDataUrl, renderQrForTerminal } from "./terminal-qr";

/** The client calls `link` makes: tests pass a fake of exactly this shape. */
export type LinkClient = Pick<
  WaapiClient,
  "getInstance" | "getClientStatus" | "getQrCode" | "getClientMe" | "requestPairingCode"
>;

export type LinkOutcome = "linked" | "timed-out" | "auth-failure";

export interface LinkOptions {
  instanceId: number;
  /** How messages name the instance: "support (instance 1001)". */
  label: string;
  format: LinkFormat;
  out?: string;
  phone?: string;
  timeoutMs: number;
  /** Between two status requests; WAAPI rotates a QR code about every 20 s. */
  pollMs: number;
  /** Draw the QR code black on white (off with NO_COLOR). */
  color: boolean;
  /** stderr is a terminal: the progress line is redrawn in place; otherwise each new status is a line. */
  interactive: boolean;
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

/** The steps on the phone, as WhatsApp names them. */
const QR_STEPS = "On the phone, open WhatsApp → Settings → Linked devices → Link a device, and scan";
const PAIRING_STEPS = [
  "On the phone (the one with that number), open WhatsApp → Settings → Linked devices → Link a device,",
  'tap "Link with phone number instead", and enter the code.',
];

export async function linkInstance(client: LinkClient, options: LinkOptions): Promise<LinkOutcome> {
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const { instanceId, label } = options;
  const started = now();
  const deadline = started + options.timeoutMs;

  try {
    await client.getInstance(instanceId);
  } catch (error) {
    if (error instanceof WaapiNotFoundError) {
      throw new Error(
        `The token's account has no instance ${instanceId}: check the id (\`npx pulumi-waapi health --all\` ` +
          "lists the account's lines), or use the token of the account that owns it (waapi:apiToken, or WAAPI_API_TOKEN).",
      );
    }
    throw error;
  }

  let status = (await client.getClientStatus(instanceId)).instanceStatus;
  if (status === "ready") {
    options.stdout(`${label} is already linked to ${await who(client, instanceId)}.\n`);
    return "linked";
  }
  const progress = new ProgressLine(options, started, now);
  let shownPayload: string | undefined;
  let shown = 0;
  let pairingRequested = false;
  let disconnectedSaid = false;
  for (;;) {
    if (status === "ready") {
      progress.done();
      options.stdout(`Linked: ${label} is linked to ${await who(client, instanceId)}.\n`);
      return "linked";
    }
    if (status === "auth_failure") {
      progress.done();
      options.stdout(
        `WhatsApp refused the link of ${label} (auth_failure). \`npx pulumi-waapi health --logout\` ` +
          "(with --stack or --all) resets the session; then run link again.\n",
      );
      return "auth-failure";
    }
    if (status === "disconnected" && !disconnectedSaid) {
      disconnectedSaid = true;
      progress.clear();
      options.stdout(
        `${label} is disconnected: waiting for WAAPI to show a QR code again (\`npx pulumi-waapi health ` +
          "--reboot`, with --stack or --all, asks it to restart the client).\n",
      );
    }
    if (status === "qr" && options.phone !== undefined && !pairingRequested) {
      // Asked once the client shows it can link (WAAPI allows two pairing codes a minute).
      pairingRequested = true;
      const code = await client.requestPairingCode(instanceId, options.phone);
      progress.clear();
      options.stdout(
        [`Pairing code for ${label}: ${code}`, ...PAIRING_STEPS, `Waiting for the phone…`].join("\n") + "\n",
      );
    }
    if (status === "qr" && options.phone === undefined) {
      let dataUrl: string;
      try {
        dataUrl = await client.getQrCode(instanceId);
      } catch (error) {
        // The status moved on between the two requests (scanned, or rebooting): the next says what.
        if (!(error instanceof WaapiActionError)) throw error;
        const next = (await client.getClientStatus(instanceId)).instanceStatus;
        if (next === "qr") throw error;
        status = next;
        continue;
      }
      const png = pngFromDataUrl(dataUrl);
      const payload = decodeQrPng(png);
      if (payload !== shownPayload) {
        progress.clear();
        shown++;
        shownPayload = payload;
        const heading = shown === 1 ? QR_STEPS : `WAAPI replaced the QR code (code ${shown}): scan`;
        if (options.format === "png" && options.out !== undefined) {
          writeFileSync(options.out, png);
          options.stdout(`${heading} the image in ${options.out}${shown === 1 ? "" : ", written again"}.\n`);
        } else {
          const qr = await renderQrForTerminal(payload, { color: options.color });
          options.stdout(`${heading} ${shown === 1 ? "this QR code" : "this one instead"}:\n${qr}`);
        }
      }
    }
    const left = deadline - now();
    if (left <= 0) {
      progress.done();
      options.stdout(
        `Timed out after ${duration(options.timeoutMs)}: ${label} is still ${status}. Run link again ` +
          "(with a longer --timeout) for a fresh code.\n",
      );
      return "timed-out";
    }
    progress.show(status);
    await sleep(Math.min(options.pollMs, left));
    status = (await client.getClientStatus(instanceId)).instanceStatus;
  }
}

async function who(client: LinkClient, instanceId: number): Promise<string> {
  const me = await client.getClientMe(instanceId);
  return me.displayName ? `${me.formattedNumber} (${me.displayName})` : me.formattedNumber;
}

function duration(ms: number): string {
  const seconds = Math.round(ms / 1000);
  return seconds < 120 ? `${seconds}s` : `${Math.round(seconds / 60)}m`;
}

const SPINNER = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];

/** One line on stderr: redrawn in place on a terminal, a line per new status in a log. */
class ProgressLine {
  private frame = 0;
  private drawn = false;
  private lastStatus: InstanceStatus | undefined;

  constructor(
    private readonly options: LinkOptions,
    private readonly started: number,
    private readonly now: () => number,
  ) {}

  show(status: InstanceStatus): void {
    const waited = duration(this.now() - this.started);
    const text = `waiting for the phone: status ${status}, ${waited} of ${duration(this.options.timeoutMs)}`;
    if (this.options.interactive) {
      this.options.stderr(`\r\u001b[2K${SPINNER[this.frame++ % SPINNER.length]} ${text}`);
      this.drawn = true;
    } else if (status !== this.lastStatus) {
      this.options.stderr(`${text}\n`);
    }
    this.lastStatus = status;
  }

  /** Before other output: the progress line is not left half-way on the terminal. */
  clear(): void {
    if (this.drawn) this.options.stderr("\r\u001b[2K");
    this.drawn = false;
  }

  done(): void {
    this.clear();
  }
}
