package main

import (
	"github.com/OWNER/pulumi-waapi/sdk/go/waapi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

func main() {
	pulumi.Run(func(ctx *pulumi.Context) error {
		support, err := waapi.NewInstance(ctx, "support", &waapi.InstanceArgs{
			Name:          pulumi.String("Support line"),
			WebhookUrl:    pulumi.ToSecret(pulumi.String("https://hooks.example.com/waapi/support")).(pulumi.StringOutput),
			WebhookEvents: waapi.WebhookEventArray{waapi.WebhookEventMessage, waapi.WebhookEventReady},
		})
		if err != nil {
			return err
		}
		// Go names the schema's getInstance LookupInstance (its name for a function that reads a resource).
		live := waapi.LookupInstanceOutput(ctx, waapi.LookupInstanceOutputArgs{InstanceId: support.InstanceId})
		account := waapi.ListInstancesOutput(ctx)
		line := waapi.GetInstanceStatusOutput(ctx, waapi.GetInstanceStatusOutputArgs{InstanceId: support.InstanceId})
		// A WhatsApp group of the line (once a phone has linked it): members as phone numbers or contact ids.
		oncall, err := waapi.NewGroup(ctx, "oncall", &waapi.GroupArgs{
			InstanceId:         support.InstanceId,
			Subject:            pulumi.String("On-call"),
			Participants:       pulumi.StringArray{pulumi.String("+1 555 010 0200"), pulumi.String("15550100201@c.us")},
			Admins:             pulumi.StringArray{pulumi.String("+1 555 010 0200")},
			MessagesAdminsOnly: pulumi.Bool(true),
		})
		if err != nil {
			return err
		}

		ctx.Export("instanceId", support.InstanceId)
		ctx.Export("owner", live.Owner())
		ctx.Export("accountInstances", account.Instances().ApplyT(func(instances []waapi.InstanceInfo) int {
			return len(instances)
		}))
		ctx.Export("lineStatus", line.Status()) // "qr" until a phone links the line, then "ready"
		ctx.Export("groupId", oncall.GroupId)
		return nil
	})
}
