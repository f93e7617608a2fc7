import type { ApiInstance, ClientStatus, InstanceStatus } from "../provider/waapi-api";
import { checkHealth, type HealthClient } from "./health";

/** An account whose lines are in the given states; records the calls health makes. */
function fakeAccount(lines: Record<number, InstanceStatus>) {
  const calls: string[] = [];
  const client: HealthClient = {
    async listInstances() {
      calls.push("listInstances");
      return Object.keys(lines).map((id): ApiInstance => ({
        id: Number(id),
        name: `Line ${id}`,
        owner: "o@example.com",
        webhook_url: null,
        webhook_events: [],
        is_trial: false,
      }));
    },
    async getClientStatus(id) {
      calls.push(`getClientStatus ${id}`);
      const status: ClientStatus = {
        status: "success",
        instanceId: String(id),
        name: `Line ${id}`,
        instanceStatus: lines[Number(id)] ?? "qr",
        instanceWebhook: null,
        instanceEvents: [],
      };
      return status;
    },
    async getClientMe(id) {
      calls.push(`getClientMe ${id}`);
      return { displayName: "", contactId: `${id}@c.us`, formattedNumber: `+1 555 ${id}` };
    },
    async rebootClient(id) {
      calls.push(`rebootClient ${id}`);
    },
    async logoutClient(id) {
      calls.push(`logoutClient ${id}`);
    },
  };
  return { client, calls };
}

const stackLines = [
  { resource: "support", instanceId: 1 },
  { resource: "sales", instanceId: 2 },
  { resource: "alerts", instanceId: 3 },
  { resource: "gone", instanceId: 9 },
];

it("reads every line of the stack, and sends no action unasked", async () => {
  const { client, calls } = fakeAccount({ 1: "ready", 2: "disconnected", 3: "auth_failure" });
  const report = await checkHealth(client, {
    stack: "prod",
    instances: stackLines,
    reboot: false,
    logout: false,
  });
  expect(report).toMatchObject({ healthy: false, stack: "prod", checked: 4, notReady: 3 });
  expect(
    report.instances.map(({ resource, status, linkedNumber, linkedName, action }) => ({
      resource,
      status,
      linkedNumber,
      linkedName,
      action,
    })),
  ).toEqual([
    { resource: "alerts", status: "auth_failure", linkedNumber: null, linkedName: null, action: null },
    { resource: "gone", status: "not_found", linkedNumber: null, linkedName: null, action: null },
    { resource: "sales", status: "disconnected", linkedNumber: null, linkedName: null, action: null },
    { resource: "support", status: "ready", linkedNumber: "+1 555 1", linkedName: null, action: null },
  ]);
  expect(calls.filter((call) => /reboot|logout/.test(call))).toEqual([]);
  expect(calls).not.toContain("getClientStatus 9"); // not in the account: no request for it
});

it("--reboot restarts only the disconnected lines, --logout resets only those in auth_failure", async () => {
  const { client, calls } = fakeAccount({ 1: "ready", 2: "disconnected", 3: "auth_failure" });
  const report = await checkHealth(client, {
    stack: "prod",
    instances: stackLines,
    reboot: true,
    logout: true,
  });
  expect(calls.filter((call) => /reboot|logout/.test(call)).sort()).toEqual([
    "logoutClient 3",
    "rebootClient 2",
  ]);
  expect(report.instances.find((line) => line.resource === "sales")).toMatchObject({
    action: "reboot",
    next: expect.stringMatching(/^WAAPI was asked to restart the client/),
  });
  expect(report.instances.find((line) => line.resource === "alerts")).toMatchObject({ action: "logout" });
});

it("--all: the account's lines by id and WAAPI name", async () => {
  const { client } = fakeAccount({ 5: "qr", 6: "ready" });
  const report = await checkHealth(client, { stack: null, instances: [], reboot: false, logout: false });
  expect(report).toMatchObject({ healthy: false, stack: null, checked: 2, notReady: 1 });
  expect(
    report.instances.map(({ resource, instanceId, name, status }) => ({
      resource,
      instanceId,
      name,
      status,
    })),
  ).toEqual([
    { resource: null, instanceId: 5, name: "Line 5", status: "qr" },
    { resource: null, instanceId: 6, name: "Line 6", status: "ready" },
  ]);
  expect(report.instances[0]?.next).toContain("`npx pulumi-waapi link 5`");
});
