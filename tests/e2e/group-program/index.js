// WaapiGroups as stack config declares them (`groups`: name → arguments), unchecked by any compiler,
// so bad arguments reach the provider's check as they are.
const pulumi = require("@pulumi/pulumi");
const { WaapiGroup } = require("pulumi-waapi");

const groups = Object.entries(new pulumi.Config().getObject("groups") ?? {}).map(([name, args]) => [
  name,
  new WaapiGroup(name, args),
]);

exports.groupIds = Object.fromEntries(groups.map(([name, group]) => [name, group.groupId]));
exports.participants = Object.fromEntries(groups.map(([name, group]) => [name, group.participants]));
exports.inviteLinks = Object.fromEntries(groups.map(([name, group]) => [name, group.inviteLink]));
