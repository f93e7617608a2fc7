import pulumi
import pulumi_waapi as waapi

support = waapi.Instance(
    "support",
    name="Support line",
    webhook_url=pulumi.Output.secret("https://hooks.example.com/waapi/support"),
    webhook_events=[waapi.WebhookEvent.MESSAGE, waapi.WebhookEvent.READY],
)
live = waapi.get_instance_output(instance_id=support.instance_id)
account = waapi.list_instances_output()
line = waapi.get_instance_status_output(instance_id=support.instance_id)
# A WhatsApp group of the line (once a phone has linked it): members as phone numbers or contact ids.
oncall = waapi.Group(
    "oncall",
    instance_id=support.instance_id,
    subject="On-call",
    participants=["+1 555 010 0200", "15550100201@c.us"],
    admins=["+1 555 010 0200"],
    messages_admins_only=True,
)

pulumi.export("instanceId", support.instance_id)
pulumi.export("owner", live.owner)
pulumi.export("accountInstances", account.instances.apply(len))
pulumi.export("lineStatus", line.status)  # "qr" until a phone links the line, then "ready"
pulumi.export("groupId", oncall.group_id)
