import { SECRET_SIGNATURE, SIGNATURE_KEY, secret, secretsOf, unwrapSecrets, wrapSecrets } from "./properties";

describe("secrets over the wire", () => {
  it("unwraps secrets, remembers which properties held one, and wraps the same ones back", () => {
    const wire = {
      name: "Support line",
      webhookUrl: { [SIGNATURE_KEY]: SECRET_SIGNATURE, value: "https://hooks.example.com/a" },
      webhookEvents: ["message", secret("ready")],
    };
    const { values, secrets } = unwrapSecrets(wire);
    expect(values).toEqual({
      name: "Support line",
      webhookUrl: "https://hooks.example.com/a",
      webhookEvents: ["message", "ready"],
    });
    expect([...secrets].sort()).toEqual(["webhookEvents", "webhookUrl"]);
    expect(wrapSecrets({ ...values, owner: "ops@example.com", gone: undefined }, secrets)).toEqual({
      name: "Support line",
      webhookUrl: secret("https://hooks.example.com/a"),
      webhookEvents: secret(["message", "ready"]),
      owner: "ops@example.com",
    });
  });

  it("collects secret names across bags", () => {
    expect([...secretsOf({ a: secret(1) }, undefined, { b: secret(2), c: 3 })].sort()).toEqual(["a", "b"]);
  });
});
