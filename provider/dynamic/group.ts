import type * as pulumi from "@pulumi/pulumi";
import { groupResource } from "../resources/group/resource";
import { DynamicResource } from "./dynamic-resource";

/**
 * The inputs of a WaapiGroup. Members are phone numbers in international format ("+1 555 010 0200",
 * "15550100200") or contact ids ("15550100200@c.us"); the provider records them as contact ids.
 *
 * Each member and its doc are the Group's spec (provider/resources/group/properties.ts), which the
 * README reference, the schema and the SDKs are generated from; ./classes.test.ts holds them alike.
 */
export interface WaapiGroupArgs {
  /**
   * The WAAPI instance whose WhatsApp line owns the group, e.g. a WaapiInstance's `instanceId`. It
   * cannot change: a group belongs to the line that made it.
   */
  instanceId: pulumi.Input<number>;
  /** The group's name, 1–100 characters; surrounding blanks are trimmed. */
  subject: pulumi.Input<string>;
  /**
   * The group's description (at most 2048 characters); omit it for none. Set on write: WAAPI cannot
   * read it back, so a change made on a phone is not seen.
   */
  description?: pulumi.Input<string>;
  /**
   * The members, as a set (order and formatting carry no meaning; a member listed twice is refused).
   * At least one; the line's own number owns the group and need not be listed.
   */
  participants: pulumi.Input<pulumi.Input<string>[]>;
  /** The members who are admins, each one of `participants`; the line itself is always an admin. */
  admins?: pulumi.Input<pulumi.Input<string>[]>;
  /**
   * Whether only admins may send messages (default false). Set on write: WAAPI cannot read it back,
   * so a change made on a phone is not seen.
   */
  messagesAdminsOnly?: pulumi.Input<boolean>;
  /**
   * What removing the resource does, since WAAPI can neither delete a group nor leave one: `"forget"`
   * (the default) sends nothing and leaves the group on WhatsApp as it is; `"removeMembers"` removes
   * every member but the line first.
   */
  onDelete?: pulumi.Input<"forget" | "removeMembers">;
  /**
   * Manage this existing group (`<digits>@g.us`) of the line instead of creating one; it cannot change
   * later. `up` reads the group and writes only what differs from the other inputs. This stands in for
   * Pulumi's `import` option, which the engine cannot apply to dynamic resources.
   */
  adoptGroupId?: pulumi.Input<string>;
}

/**
 * A WhatsApp group of a linked WAAPI line: its name, description, members, admins and who may post.
 *
 * Creating one makes a group on the line's WhatsApp account (the line must be linked, status ready).
 * Every change is an update in place, made with the fewest member calls. Deleting it does not delete
 * the group: WAAPI has no call for that; see `onDelete`.
 */
export class WaapiGroup extends DynamicResource {
  /** The WAAPI instance whose line owns the group. */
  declare public readonly instanceId: pulumi.Output<number>;
  /** WhatsApp's id of the group, `<digits>@g.us`. */
  declare public readonly groupId: pulumi.Output<string>;
  /** The group's name as WhatsApp has it. */
  declare public readonly subject: pulumi.Output<string>;
  /** The description last written; undefined when none. */
  declare public readonly description: pulumi.Output<string | undefined>;
  /** The members as contact ids (`<digits>@c.us`), sorted, the line itself left out. */
  declare public readonly participants: pulumi.Output<string[]>;
  /** The admins as contact ids, sorted, the line itself left out. */
  declare public readonly admins: pulumi.Output<string[]>;
  /** Whether only admins may send messages, as last written. */
  declare public readonly messagesAdminsOnly: pulumi.Output<boolean>;
  /** What removing the resource does (see the input). */
  declare public readonly onDelete: pulumi.Output<string>;
  /** The contact id of the line that made the group. */
  declare public readonly owner: pulumi.Output<string>;
  /** The group's invite link: anyone holding it can join, so it is a secret. */
  declare public readonly inviteLink: pulumi.Output<string>;
  /** The WAAPI API the group's line lives on. */
  declare public readonly apiBaseUrl: pulumi.Output<string>;

  constructor(name: string, args: WaapiGroupArgs, opts?: pulumi.CustomResourceOptions) {
    super(groupResource, ["groupId", "owner", "inviteLink", "apiBaseUrl"], name, args, opts);
  }
}
