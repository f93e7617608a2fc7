/**
 * The client's group methods against a small real HTTP server on 127.0.0.1 that answers by route
 * (no HTTP mocking): wire shapes, input checks before sending, the retry policy of each kind of
 * group call, and how refusals are explained (line not ready, unknown group, ambiguous create).
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import {
  CHATS_PAGE_SIZE,
  WaapiActionError,
  WaapiClient,
  WaapiGroupCreateOutcomeUnknownError,
  WaapiLineNotReadyError,
  WaapiResponseError,
} from "./index";

const TOKEN = "wa-group-test-token-0d4b1c9e";
const GROUP = "120363041234567890@g.us";
const OWNER = "4915100001001@c.us";
const MEMBER = "50664083362@c.us";

interface Seen {
  method: string;
  /** The route's last segment, e.g. "create-group", or "status". */
  action: string;
  body: unknown;
}

/** An answer: a status and JSON body, or "reset" to drop the connection. */
type Answer = { status: number; body: unknown } | "reset";
type Route = (body: Record<string, unknown>, seen: Seen[]) => Answer;

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
});

/** A server answering `/api/v1/instances/7/client/...` by the action's name; unknown actions 404. */
async function startServer(routes: Record<string, Route>): Promise<{ baseUrl: string; seen: Seen[] }> {
  const seen: Seen[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const text = Buffer.concat(chunks).toString("utf8");
      const body = (text === "" ? {} : JSON.parse(text)) as Record<string, unknown>;
      const action = (req.url ?? "").split("/").pop() ?? "";
      seen.push({ method: req.method ?? "", action, body });
      const route = routes[action];
      const answer: Answer = route ? route(body, seen) : { status: 404, body: { message: "no route" } };
      if (answer === "reset") {
        req.socket.destroy();
        return;
      }
      res.writeHead(answer.status, { "content-type": "application/json" });
      res.end(JSON.stringify(answer.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  closers.push(
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );
  const { port } = server.address() as AddressInfo;
  return { baseUrl: `http://127.0.0.1:${port}/api/v1`, seen };
}

function client(baseUrl: string): WaapiClient {
  return new WaapiClient({
    apiToken: TOKEN,
    baseUrl,
    timeoutMs: 2000,
    sleep: async () => {},
    random: () => 0,
  });
}

const ok = (body: unknown): Answer => ({ status: 200, body });
const refused = (message: string): Answer => ok({ status: "error", message });
const wid = (serialized: string) => {
  const [user = "", server = ""] = serialized.split("@");
  return { server, user, _serialized: serialized };
};

function statusRoute(instanceStatus: string): Route {
  return () =>
    ok({
      clientStatus: {
        status: "success",
        instanceId: "7",
        name: "line",
        instanceStatus,
        instanceWebhook: null,
        instanceEvents: [],
      },
      links: { self: "x" },
      status: "success",
    });
}

function chatsRoute(chats: { id: string; name: string }[]): Route {
  return (body) => {
    const offset = typeof body.offset === "number" ? body.offset : 0;
    const limit = typeof body.limit === "number" ? body.limit : chats.length;
    const page = chats.slice(offset, offset + limit).map((chat) => ({
      id: wid(chat.id),
      name: chat.name,
      isGroup: chat.id.endsWith("@g.us"),
    }));
    return ok({ instanceId: "7", data: page, status: "success" });
  };
}

function infoRoute(
  members: { id: string; isAdmin: boolean; isSuperAdmin: boolean }[],
  subject = "On call",
): Route {
  return (body) =>
    ok({
      data: {
        chatId: wid(String(body.chatId)),
        owner: wid(OWNER),
        subject,
        createdAt: "2026-12-02T12:00:00.000Z",
        createdAtTimestamp: 1796212800,
        inviteCode: "AbCdEfGh1234",
        inviteCodeLink: "https://chat.whatsapp.com/AbCdEfGh1234",
        participants: members.map((member) => ({ ...member, id: wid(member.id) })),
      },
      links: { self: "x" },
      status: "success",
    });
}

const ownerMember = { id: OWNER, isAdmin: true, isSuperAdmin: true };

describe("create-group", () => {
  it("sends the contract's body, trimmed and without repeats, and reads the new id", async () => {
    const server = await startServer({
      "create-group": () =>
        ok({
          status: "success",
          data: { gid: wid(GROUP), missingParticipants: ["4915100009999@c.us"] },
          links: { self: "x" },
        }),
    });
    const created = await client(server.baseUrl).createGroup(7, {
      name: "  On call ",
      participants: [MEMBER, ` ${MEMBER}`, "4915100009999@c.us"],
    });
    expect(created).toEqual({ groupId: GROUP, missingParticipants: ["4915100009999@c.us"] });
    expect(server.seen).toEqual([
      {
        method: "POST",
        action: "create-group",
        body: { groupName: "On call", groupParticipants: [MEMBER, "4915100009999@c.us"] },
      },
    ]);
  });

  it.each([
    ["no participants", { name: "x", participants: [] }, /at least one participant/],
    [
      "a phone number instead of a contact id",
      { name: "x", participants: ["50664083362"] },
      /<digits>@c\.us/,
    ],
    ["a group id as a participant", { name: "x", participants: [GROUP] }, /<digits>@c\.us/],
    ["a blank name", { name: "  ", participants: [MEMBER] }, /at least one character/],
    ["a name of 101 characters", { name: "a".repeat(101), participants: [MEMBER] }, /at most 100/],
    ["a name with a line feed", { name: "a\nb", participants: [MEMBER] }, /control characters/],
  ])("refuses %s before sending anything", async (_title, input, message) => {
    const server = await startServer({});
    await expect(client(server.baseUrl).createGroup(7, input)).rejects.toThrow(message);
    expect(server.seen).toEqual([]);
  });

  it("is not retried after a 502, and says which groups of that name the line now has", async () => {
    const server = await startServer({
      "create-group": () => ({ status: 502, body: { message: "Bad Gateway" } }),
      "get-chats": chatsRoute([
        { id: GROUP, name: "On call" },
        { id: "120363049999999999@g.us", name: "Other" },
        { id: MEMBER, name: "On call" },
      ]),
    });
    const error = await client(server.baseUrl)
      .createGroup(7, { name: "On call", participants: [MEMBER] })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(WaapiGroupCreateOutcomeUnknownError);
    const unknown = error as WaapiGroupCreateOutcomeUnknownError;
    expect(unknown.code).toBe("WAAPI_GROUP_CREATE_OUTCOME_UNKNOWN");
    expect(unknown.candidates).toEqual([GROUP]);
    expect(unknown.outcomeUnknown).toBe(true);
    expect(unknown.message).toMatch(
      /HTTP 502.*not retried.*1 group\(s\) named "On call" now: 120363041234567890@g\.us/s,
    );
    expect(server.seen.filter((seen) => seen.action === "create-group")).toHaveLength(1);
  });

  it("an unreadable 2xx is ambiguous too; candidates are undefined when the chats cannot be read", async () => {
    const server = await startServer({
      "create-group": () => ok({ status: "success", data: {} }),
      "get-chats": () => ({ status: 500, body: { message: "Server Error" } }),
    });
    const error = await client(server.baseUrl)
      .createGroup(7, { name: "On call", participants: [MEMBER] })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(WaapiGroupCreateOutcomeUnknownError);
    expect((error as WaapiGroupCreateOutcomeUnknownError).candidates).toBeUndefined();
    expect((error as Error).message).toMatch(/unreadable answer.*could not be read/s);
  });

  it("is retried after a 429 (the throttle turns it away before WAAPI acts)", async () => {
    const server = await startServer({
      "create-group": (_body, seen) =>
        seen.length === 1
          ? { status: 429, body: { message: "Too Many Attempts." } }
          : ok({
              status: "success",
              data: { gid: wid(GROUP), missingParticipants: [] },
              links: { self: "x" },
            }),
    });
    await expect(
      client(server.baseUrl).createGroup(7, { name: "x", participants: [MEMBER] }),
    ).resolves.toEqual({
      groupId: GROUP,
      missingParticipants: [],
    });
    expect(server.seen).toHaveLength(2);
  });

  it('on a line that is not ready, a "status":"error" becomes WAAPI_LINE_NOT_READY with the status', async () => {
    const server = await startServer({
      "create-group": () => refused("whatever words the server uses"),
      status: statusRoute("qr"),
    });
    const error = await client(server.baseUrl)
      .createGroup(7, { name: "x", participants: [MEMBER] })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(WaapiLineNotReadyError);
    const notReady = error as WaapiLineNotReadyError;
    expect([notReady.code, notReady.instanceId, notReady.status, notReady.outcomeUnknown]).toEqual([
      "WAAPI_LINE_NOT_READY",
      "7",
      "qr",
      false,
    ]);
    expect(notReady.message).toContain('"whatever words the server uses"');
  });
});

describe("get-group-info", () => {
  it("flattens the ids and reads every field the contract returns", async () => {
    const server = await startServer({
      "get-group-info": infoRoute([ownerMember, { id: MEMBER, isAdmin: false, isSuperAdmin: false }]),
    });
    await expect(client(server.baseUrl).getGroupInfo(7, GROUP)).resolves.toEqual({
      groupId: GROUP,
      subject: "On call",
      owner: OWNER,
      inviteCode: "AbCdEfGh1234",
      inviteLink: "https://chat.whatsapp.com/AbCdEfGh1234",
      participants: [ownerMember, { id: MEMBER, isAdmin: false, isSuperAdmin: false }],
    });
    expect(server.seen[0]?.body).toEqual({ chatId: GROUP });
  });

  it("undefined when the line is ready and its chats hold no such group", async () => {
    const server = await startServer({
      "get-group-info": () => refused("Group not found"),
      status: statusRoute("ready"),
      "get-chats": chatsRoute([{ id: "120363049999999999@g.us", name: "Other" }]),
    });
    await expect(client(server.baseUrl).getGroupInfo(7, GROUP)).resolves.toBeUndefined();
    expect(server.seen.map((seen) => seen.action)).toEqual(["get-group-info", "status", "get-chats"]);
  });

  it("a 404 on an instance that exists means the group is unknown, too", async () => {
    const server = await startServer({
      "get-group-info": () => ({ status: 404, body: { message: "Chat not found" } }),
      status: statusRoute("ready"),
      "get-chats": chatsRoute([]),
    });
    await expect(client(server.baseUrl).getGroupInfo(7, GROUP)).resolves.toBeUndefined();
  });

  it("a refusal about a group the line has stays the server's error", async () => {
    const server = await startServer({
      "get-group-info": () => refused("Something else"),
      status: statusRoute("ready"),
      "get-chats": chatsRoute([{ id: GROUP, name: "On call" }]),
    });
    await expect(client(server.baseUrl).getGroupInfo(7, GROUP)).rejects.toBeInstanceOf(WaapiActionError);
  });

  it("an answer about another group is refused", async () => {
    const server = await startServer({
      "get-group-info": (body) =>
        infoRoute([ownerMember])({ ...body, chatId: "120363049999999999@g.us" }, []),
    });
    await expect(client(server.baseUrl).getGroupInfo(7, GROUP)).rejects.toBeInstanceOf(WaapiResponseError);
  });

  it("is retried after a reset, being a read", async () => {
    const server = await startServer({
      "get-group-info": (body, seen) => (seen.length === 1 ? "reset" : infoRoute([ownerMember])(body, seen)),
    });
    await expect(client(server.baseUrl).getGroupInfo(7, GROUP)).resolves.toMatchObject({ groupId: GROUP });
    expect(server.seen).toHaveLength(2);
  });

  it.each(["120363041234567890", "12036@c.us", "../x@g.us", ""])(
    "refuses the group id %j unsent",
    async (id) => {
      const server = await startServer({});
      await expect(client(server.baseUrl).getGroupInfo(7, id)).rejects.toThrow(/<digits>@g\.us/);
      expect(server.seen).toEqual([]);
    },
  );

  it("takes WhatsApp's older <digits>-<timestamp>@g.us group ids", async () => {
    const server = await startServer({ "get-group-info": infoRoute([ownerMember]) });
    await expect(
      client(server.baseUrl).getGroupInfo(7, "4915100001001-1612345678@g.us"),
    ).resolves.toMatchObject({
      groupId: "4915100001001-1612345678@g.us",
    });
  });
});

describe("listGroups", () => {
  it("pages through get-chats and reads each group, leaving out contacts", async () => {
    const contacts = Array.from({ length: CHATS_PAGE_SIZE - 1 }, (_, index) => ({
      id: `49151${String(index).padStart(8, "0")}@c.us`,
      name: `contact ${index}`,
    }));
    const chats = [
      { id: GROUP, name: "On call" },
      ...contacts,
      { id: "120363049999999999@g.us", name: "Second page" },
    ];
    const server = await startServer({
      "get-chats": chatsRoute(chats),
      "get-group-info": infoRoute([ownerMember]),
    });
    const groups = await client(server.baseUrl).listGroups(7);
    expect(groups.map((group) => group.groupId)).toEqual([GROUP, "120363049999999999@g.us"]);
    expect(server.seen.map((seen) => [seen.action, seen.body])).toEqual([
      ["get-chats", { offset: 0, limit: CHATS_PAGE_SIZE }],
      ["get-chats", { offset: CHATS_PAGE_SIZE, limit: CHATS_PAGE_SIZE }],
      ["get-group-info", { chatId: GROUP }],
      ["get-group-info", { chatId: "120363049999999999@g.us" }],
    ]);
  });

  it("stops when a server ignores the offset and sends the same page again", async () => {
    const chats = Array.from({ length: CHATS_PAGE_SIZE }, (_, index) => ({
      id: `1203630${String(index).padStart(11, "0")}@g.us`,
      name: `group ${index}`,
    }));
    const server = await startServer({
      "get-chats": () => ok({ instanceId: "7", data: chatsPage(chats), status: "success" }),
      "get-group-info": infoRoute([ownerMember]),
    });
    await expect(client(server.baseUrl).listGroups(7)).resolves.toHaveLength(CHATS_PAGE_SIZE);
    expect(server.seen.filter((seen) => seen.action === "get-chats")).toHaveLength(2);
  });

  it("a line that is not ready: WAAPI_LINE_NOT_READY", async () => {
    const server = await startServer({
      "get-chats": () => refused("not ready"),
      status: statusRoute("disconnected"),
    });
    await expect(client(server.baseUrl).listGroups(7)).rejects.toMatchObject({
      code: "WAAPI_LINE_NOT_READY",
      status: "disconnected",
    });
  });
});

function chatsPage(chats: { id: string; name: string }[]): unknown[] {
  return chats.map((chat) => ({ id: wid(chat.id), name: chat.name, isGroup: true }));
}

describe("changing a group", () => {
  it("update-group-info sends only what is given, and nothing when nothing is", async () => {
    const server = await startServer({
      "update-group-info": (body) =>
        ok({ status: "success", data: { gid: wid(GROUP), ...body }, links: { self: "x" } }),
    });
    const waapi = client(server.baseUrl);
    await waapi.updateGroupInfo(7, GROUP, {});
    await waapi.updateGroupInfo(7, GROUP, { subject: " Incidents " });
    await waapi.updateGroupInfo(7, GROUP, { description: "Who is on call this week" });
    expect(server.seen.map((seen) => seen.body)).toEqual([
      { chatId: GROUP, subject: "Incidents" },
      { chatId: GROUP, description: "Who is on call this week" },
    ]);
  });

  it("update-group-settings sends messageAdminOnly and is retried after a 503", async () => {
    const server = await startServer({
      "update-group-settings": (body, seen) =>
        seen.length === 1
          ? { status: 503, body: { message: "Service Unavailable" } }
          : ok({
              status: "success",
              data: { messageAdminOnly: body.messageAdminOnly },
              links: { self: "x" },
            }),
    });
    await client(server.baseUrl).updateGroupSettings(7, GROUP, { messageAdminOnly: true });
    expect(server.seen.map((seen) => seen.body)).toEqual([
      { chatId: GROUP, messageAdminOnly: true },
      { chatId: GROUP, messageAdminOnly: true },
    ]);
  });

  it.each([
    ["addGroupParticipant", "add-group-participant"],
    ["removeGroupParticipant", "remove-group-participant"],
    ["promoteGroupParticipant", "promote-group-participant"],
    ["demoteGroupParticipant", "demote-group-participant"],
  ] as const)("%s posts {chatId, participant} to %s", async (method, action) => {
    const server = await startServer({
      [action]: () => ok({ data: [], links: { self: "x" }, status: "success" }),
    });
    await client(server.baseUrl)[method](7, GROUP, MEMBER);
    expect(server.seen).toEqual([{ method: "POST", action, body: { chatId: GROUP, participant: MEMBER } }]);
  });

  it("an add retried after a reset and then refused counts as done when the member is there", async () => {
    const server = await startServer({
      "add-group-participant": (_body, seen) =>
        seen.length === 1 ? "reset" : refused("already a participant"),
      "get-group-info": infoRoute([ownerMember, { id: MEMBER, isAdmin: false, isSuperAdmin: false }]),
      status: statusRoute("ready"),
      "get-chats": chatsRoute([{ id: GROUP, name: "On call" }]),
    });
    await client(server.baseUrl).addGroupParticipant(7, GROUP, MEMBER);
    // The refusal is first explained (ready line, known group), then the group is read back.
    expect(server.seen.map((seen) => seen.action)).toEqual([
      "add-group-participant",
      "add-group-participant",
      "status",
      "get-chats",
      "get-group-info",
    ]);
  });

  it("… and fails when the group shows it did not happen", async () => {
    const server = await startServer({
      "promote-group-participant": (_body, seen) => (seen.length === 1 ? "reset" : refused("not allowed")),
      "get-group-info": infoRoute([ownerMember, { id: MEMBER, isAdmin: false, isSuperAdmin: false }]),
      status: statusRoute("ready"),
      "get-chats": chatsRoute([{ id: GROUP, name: "On call" }]),
    });
    await expect(client(server.baseUrl).promoteGroupParticipant(7, GROUP, MEMBER)).rejects.toBeInstanceOf(
      WaapiActionError,
    );
  });

  it("a refusal on the first attempt is not second-guessed", async () => {
    const server = await startServer({
      "remove-group-participant": () => refused("not a participant"),
      status: statusRoute("ready"),
      "get-chats": chatsRoute([{ id: GROUP, name: "On call" }]),
    });
    await expect(client(server.baseUrl).removeGroupParticipant(7, GROUP, MEMBER)).rejects.toBeInstanceOf(
      WaapiActionError,
    );
    expect(server.seen.map((seen) => seen.action)).toEqual([
      "remove-group-participant",
      "status",
      "get-chats",
    ]);
  });

  it("refuses a participant that is not a contact id, unsent", async () => {
    const server = await startServer({});
    await expect(client(server.baseUrl).addGroupParticipant(7, GROUP, "+50664083362")).rejects.toThrow(
      /<digits>@c\.us/,
    );
    expect(server.seen).toEqual([]);
  });
});
