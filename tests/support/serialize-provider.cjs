// Serializes a dynamic provider exactly as `pulumi.dynamic.Resource` does (serializeFunctionMaybeSecret
// in @pulumi/pulumi/dynamic/index.js). Loaded through Node's own require so that the closure is made
// in Node's realm, as in a real program: made inside jest's sandbox, its built-ins would not be
// recognised and would be serialized by value.
const { runtime } = require("@pulumi/pulumi");

module.exports = (provider) => runtime.serializeFunction(() => provider, { allowSecrets: true });
