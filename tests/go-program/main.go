// A Go program on the native plugin's generated Go SDK. tests/sdk.test.ts generates the SDK into
// waapi/ beside a copy of this module (whose path is the schema's importBasePath) and checks that
// the program vets and builds; no Go language host is served here, so it is not run.
package main

import (
	"example.com/pulumi-waapi/sdk/go/waapi"
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
		// The schema's getInstance is LookupInstance in Go (the SDK's name for a function that reads a resource).
		found := waapi.LookupInstanceOutput(ctx, waapi.LookupInstanceOutputArgs{InstanceId: support.InstanceId})
		listed := waapi.ListInstancesOutput(ctx)
		ctx.Export("owner", found.Owner())
		ctx.Export("listed", listed.Instances())
		return nil
	})
}
