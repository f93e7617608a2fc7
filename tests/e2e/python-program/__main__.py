"""A Python program on the native plugin, through its generated SDK (sdk/python)."""
import pulumi
import pulumi_waapi as waapi

config = pulumi.Config()
support = waapi.Instance(
    "support",
    name=config.get("lineName") or "Support line",
    webhook_url=pulumi.Output.secret("https://hooks.example.com/waapi/support"),
    webhook_events=[
        waapi.WebhookEvent.MESSAGE_ACK,
        waapi.WebhookEvent.MESSAGE,
        waapi.WebhookEvent.READY,
    ],
)
looked_up = waapi.get_instance_output(instance_id=support.instance_id)
# After the instance exists, so that it is among them.
listed = waapi.list_instances_output(opts=pulumi.InvokeOutputOptions(depends_on=[support]))

pulumi.export("instanceId", support.instance_id)
pulumi.export("lookedUpName", looked_up.name)
pulumi.export("lookedUpOwner", looked_up.owner)
pulumi.export("listedIds", listed.instances.apply(lambda found: [i.instance_id for i in found]))
