import type { GroupInfo, InstanceStatus } from "../provider/waapi-api";
import { discoverLines, renderDiscovered, type DiscoveredInstance } from "./discover";

const LINE = "50664083362@c.us";
const BOB = "4915187654321@c.us";

const instance = (instanceId: number, resourceName: string, name: string): DiscoveredInstance => ({
  instanceId,
  resourceName,
  name,
  owner: "ops@example.com",
  webhookEvents: [],
  isTrial: false,
});

const group = (groupId: string, subject: string): GroupInfo => ({
  groupId,
  subject,
  owner: LINE,
  inviteCode: "AbCdEf",
  inviteLink: "https://chat.whatsapp.com/AbCdEf",
  participants: [
    { id: LINE, isAdmin: true, isSuperAdmin: true },
    { id: BOB, isAdmin: false, isSuperAdmin: false },
  ],
});

/** A stand-in for the client's two reads discover makes: line 1001 ready with its groups, 1002 not linked. */
const client = (groups: Record<number, GroupInfo[]>) => ({
  getClientStatus: (id: number | string) => {
    const instanceStatus: InstanceStatus = Number(id) in groups ? "ready" : "qr";
    return Promise.resolve({
      status: "success" as const,
      instanceId: String(id),
      name: "",
      instanceStatus,
      instanceWebhook: null,
      instanceEvents: [],
    });
  },
  listGroups: (id: number | string) => Promise.resolve(groups[Number(id)] ?? []),
});

describe("discover --format import", () => {
  it("lists each linked line's groups after the instances, by import id, with names no instance has", async () => {
    // An instance whose name is the slug its line's group would get, and a group of another line too.
    const instances = [
      instance(1001, "support-line", "Support line"),
      instance(1002, "support-line-on-call", "Support line on call"),
      instance(1003, "sales", "Sales"),
    ];
    const lines = await discoverLines(
      client({
        1001: [group("120363000000000002@g.us", "On call"), group("120363000000000001@g.us", "On call")],
        1003: [group("120363000000000003@g.us", "Support line on call")],
      }),
      instances,
    );
    const file = JSON.parse(renderDiscovered(instances, "import", lines)) as {
      resources: { type: string; name: string; id: string }[];
    };
    expect(file.resources).toEqual([
      { type: "waapi:index:Instance", name: "support-line", id: "1001" },
      { type: "waapi:index:Instance", name: "support-line-on-call", id: "1002" },
      { type: "waapi:index:Instance", name: "sales", id: "1003" },
      // Two groups of one line share a subject: the id's last digits tell them apart.
      { type: "waapi:index:Group", name: "support-line-on-call-000001", id: "1001/120363000000000001@g.us" },
      { type: "waapi:index:Group", name: "support-line-on-call-000002", id: "1001/120363000000000002@g.us" },
      { type: "waapi:index:Group", name: "sales-support-line-on-call", id: "1003/120363000000000003@g.us" },
    ]);
    const names = file.resources.map((resource) => resource.name);
    expect(new Set(names).size).toBe(names.length);
    // The JSON form gives each group the same name.
    const data = JSON.parse(renderDiscovered(instances, "json", lines)) as {
      instances: { groups: { resourceName: string }[] | null }[];
    };
    expect(data.instances.flatMap((line) => line.groups ?? []).map((g) => g.resourceName)).toEqual(
      names.slice(3),
    );
  });

  it("renames a group whose name an instance has: -group, then the id's digits", async () => {
    const instances = [
      instance(1001, "support-line", "Support line"),
      instance(1002, "support-line-on-call", "Support line on call"),
      instance(1003, "support-line-on-call-group", "Support line on call group"),
    ];
    const lines = await discoverLines(
      client({ 1001: [group("120363000000000009@g.us", "On call")] }),
      instances,
    );
    expect(lines.get(1001)?.groups?.map((g) => g.resourceName)).toEqual([
      "support-line-on-call-group-000009",
    ]);
    expect(lines.get(1002)).toEqual({ status: "qr", groups: null });
    const file = JSON.parse(renderDiscovered(instances, "import", lines)) as {
      resources: { name: string }[];
    };
    expect(file.resources.map((resource) => resource.name)).toContain("support-line-on-call-group-000009");
  });
});
