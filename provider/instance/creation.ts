/**
 * Creating instances without orphans or duplicates when the answer to `POST /instances` is lost.
 *
 * A POST whose outcome is unknown (a 5xx or a dropped connection after the request was sent, an
 * unreadable 2xx: the client's `outcomeUnknown`) may or may not have made a paid instance. To find
 * out, the POSTs of one provider process are made one at a time, and before the first one the
 * process notes the ids the account already has (one `GET /instances` per process). After an
 * ambiguous failure it lists again: an id that is neither noted nor made by this process can only
 * come from that POST — unless someone else created an instance in the same account at the same
 * moment, which is the design's one caveat. So:
 *
 * - exactly one new id: it is ours; the create carries on with it;
 * - none: the server made nothing, so the POST is sent again (a few times at most);
 * - several, or a token that may not list (no `read` permission): a clear error naming the
 *   candidates, and nothing recorded — as before, but with the ids to look at.
 */
import { WaapiError, WaapiPermissionError, type WaapiClient } from "../client";
import type { ApiInstance } from "../waapi-api";

/** POSTs per create, when each ambiguous failure is followed by a list showing nothing new. */
export const MAX_CREATE_ATTEMPTS = 3;

/** Several instances appeared that this process did not make: which one is ours cannot be told. */
export class AmbiguousCreateError extends Error {
  readonly code = "ERR_WAAPI_CREATE_AMBIGUOUS";
  constructor(
    readonly candidateIds: number[],
    cause: string,
  ) {
    super(
      `Creating the instance failed with an unknown outcome (${cause}), and since this provider last ` +
        `looked, ${candidateIds.length} instances appeared in the account that it did not create: ` +
        `${candidateIds.join(", ")}. One may be this resource's, the others someone else's (another ` +
        "`pulumi up`, the dashboard). Nothing was recorded. Look at them on the waapi.app dashboard; take " +
        "this resource's over with `adoptInstanceId: <its id>` and run `pulumi up` again.",
    );
    this.name = "AmbiguousCreateError";
  }
}

/** The ids an account had before this process created anything, and the ids it created since. */
export class CreationLedger {
  /** undefined: not listed yet; "unlisted": the token may not list (no `read` permission). */
  private known: Set<number> | "unlisted" | undefined;
  private readonly created = new Set<number>();
  private tail: Promise<unknown> = Promise.resolve();

  /** Creates one instance, or finds the one an ambiguous POST made. One POST at a time per ledger. */
  create(client: WaapiClient, wait: (ms: number) => Promise<void> = sleep): Promise<ApiInstance> {
    const turn = this.tail.then(() => this.createNow(client, wait));
    this.tail = turn.catch(() => undefined);
    return turn;
  }

  private async createNow(client: WaapiClient, wait: (ms: number) => Promise<void>): Promise<ApiInstance> {
    this.known ??= await this.listIds(client);
    for (let attempt = 1; ; attempt++) {
      let failure: WaapiError;
      try {
        const made = await client.createInstance();
        this.created.add(made.id);
        return made;
      } catch (error) {
        if (!(error instanceof WaapiError) || !error.outcomeUnknown) throw error;
        failure = error;
      }
      const known = this.known;
      if (known === "unlisted") {
        failure.message +=
          " The API token lacks the read permission, so the provider could not list the account's " +
          "instances to find out whether one was created.";
        throw failure;
      }
      // Give a server that acted as it failed a moment to show the instance in its list.
      await wait(250 * attempt);
      let listed: ApiInstance[];
      try {
        listed = await client.listInstances();
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        failure.message += ` Listing the account's instances to find out failed too: ${reason}`;
        throw failure;
      }
      const appeared = listed.filter((instance) => !known.has(instance.id) && !this.created.has(instance.id));
      const [ours] = appeared;
      if (ours && appeared.length === 1) {
        this.created.add(ours.id);
        return ours;
      }
      if (appeared.length > 1) {
        throw new AmbiguousCreateError(
          appeared.map((instance) => instance.id),
          firstSentence(failure.message),
        );
      }
      if (attempt >= MAX_CREATE_ATTEMPTS) {
        failure.message += ` The account's instance list showed no new instance after each of ${attempt} attempts, so none was created.`;
        throw failure;
      }
    }
  }

  private async listIds(client: WaapiClient): Promise<Set<number> | "unlisted"> {
    try {
      return new Set((await client.listInstances()).map((instance) => instance.id));
    } catch (error) {
      if (error instanceof WaapiPermissionError) return "unlisted";
      throw error;
    }
  }
}

function firstSentence(message: string): string {
  const end = message.indexOf(". ");
  return end === -1 ? message : message.slice(0, end);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
