using System.Collections.Generic;
using Pulumi;
using Waapi = Pulumi.Waapi;

return await Deployment.RunAsync(() =>
{
    var support = new Waapi.Instance("support", new()
    {
        Name = "Support line",
        WebhookUrl = Output.CreateSecret("https://hooks.example.com/waapi/support"),
        WebhookEvents = new[]
        {
            Waapi.WebhookEvent.Message,
            Waapi.WebhookEvent.Ready,
        },
    });

    var live = Waapi.GetInstance.Invoke(new()
    {
        InstanceId = support.InstanceId,
    });

    var account = Waapi.ListInstances.Invoke();

    var line = Waapi.GetInstanceStatus.Invoke(new()
    {
        InstanceId = support.InstanceId,
    });

    // A WhatsApp group of the line (once a phone has linked it): members as phone numbers or contact ids.
    var oncall = new Waapi.Group("oncall", new()
    {
        InstanceId = support.InstanceId,
        Subject = "On-call",
        Participants = new[] { "+1 555 010 0200", "15550100201@c.us" },
        Admins = new[] { "+1 555 010 0200" },
        MessagesAdminsOnly = true,
    });

    return new Dictionary<string, object?>
    {
        ["instanceId"] = support.InstanceId,
        ["owner"] = live.Apply(result => result.Owner),
        ["accountInstances"] = account.Apply(result => result.Instances.Length),
        // "qr" until a phone links the line, then "ready"
        ["lineStatus"] = line.Apply(result => result.Status),
        ["groupId"] = oncall.GroupId,
    };
});
