"""The native plugin's Python SDK through the self-contained executable: make, import, look up."""
import pulumi
import pulumi_waapi as waapi

config = pulumi.Config()
support = waapi.Instance(
    "support",
    name="Support line",
    webhook_url=pulumi.Output.secret("https://hooks.example.com/waapi/support"),
    webhook_events=[waapi.WebhookEvent.READY, waapi.WebhookEvent.MESSAGE],
)
# An instance made by hand, taken over as it is.
legacy = waapi.Instance(
    "legacy",
    name="Legacy line",
    webhook_url="https://legacy.example.com/hook",
    webhook_events=[waapi.WebhookEvent.MESSAGE],
    opts=pulumi.ResourceOptions(import_=config.require("legacyId")),
)
looked_up = waapi.get_instance_output(instance_id=support.instance_id)

pulumi.export("instanceId", support.instance_id)
pulumi.export("lookedUpName", looked_up.name)
pulumi.export("lookedUpOwner", looked_up.owner)
pulumi.export("legacyName", legacy.name)
