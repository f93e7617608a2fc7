"""A Python program on the native plugin, through its generated SDK (sdk/python): a line, the
functions, and a WhatsApp group on the line."""
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
# The line's client status, read at every run (never an output of the resource).
line = waapi.get_instance_status_output(instance_id=support.instance_id)

pulumi.export("instanceId", support.instance_id)
pulumi.export("lookedUpName", looked_up.name)
pulumi.export("lookedUpOwner", looked_up.owner)
pulumi.export("lineStatus", line.status)
pulumi.export("linkedNumber", line.linked_number)
pulumi.export("linkedName", line.linked_name)
pulumi.export("listedIds", listed.instances.apply(lambda found: [i.instance_id for i in found]))

# A group on the line, once the test has linked it (a group needs a ready line) and set its members.
members = config.get_object("groupMembers")
if members is not None:
    oncall = waapi.Group(
        "oncall",
        instance_id=support.instance_id,
        subject="On call",
        participants=members,
        admins=["4915187654321@c.us"],
        messages_admins_only=True,
    )
    pulumi.export("groupId", oncall.group_id)
    pulumi.export("groupOwner", oncall.owner)
    pulumi.export("groupParticipants", oncall.participants)
    pulumi.export("inviteLink", oncall.invite_link)
