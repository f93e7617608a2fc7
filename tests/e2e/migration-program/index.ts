// Two lines, declared through the door the `door` config names: "dynamic" (WaapiInstance) or
// "native" (the plugin's Instance, which aliases WaapiInstance's type). The move is a one-word edit.
import * as pulumi from "@pulumi/pulumi";
import { WaapiInstance, type WaapiInstanceArgs } from "pulumi-waapi";
import { Instance } from "pulumi-waapi/native";

const door = new pulumi.Config().require("door");
const lines: Record<string, WaapiInstanceArgs> = {
  support: {
    name: "Support line",
    webhookUrl: "https://hooks.example.com/support",
    webhookEvents: ["message"],
  },
  sales: { name: "Sales line", webhookEvents: ["call", "message"] },
};

export const instanceIds: Record<string, pulumi.Output<number>> = {};
for (const [key, args] of Object.entries(lines)) {
  const line = door === "native" ? new Instance(key, args) : new WaapiInstance(key, args);
  instanceIds[key] = line.instanceId;
}
