// As a user writes it in JavaScript: the arguments are whatever the stack config holds, unchecked by
// any compiler, so a misspelt key (`webhookURL`) reaches the provider as it is.
const pulumi = require("@pulumi/pulumi");
const { WaapiInstance } = require("pulumi-waapi");

const cfg = new pulumi.Config();
const support = new WaapiInstance("support", cfg.getObject("support"));

exports.instanceId = support.instanceId;
exports.webhookUrl = support.webhookUrl;
