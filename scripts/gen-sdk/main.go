// Command gen-sdk writes the Node.js, Python, Go or Java SDK of the native plugin from
// provider/native/schema.json (Java with pulumi-java's generator, which is not part of pkg/v3).
//
// `pulumi package gen-sdk` hands this job to the language host's GeneratePackage, and the only
// language hosts the Go module proxy serves here (inside github.com/pulumi/pulumi/sdk/v3, up to
// v3.68.0) predate that call and answer "not implemented". The hosts that have it call
// pkg/v3/codegen/{python,go}.GeneratePackage on the bound schema; so does this program, with the
// same pkg/v3 as the CLI (go.mod), so its output is what `gen-sdk` would write with that CLI.
//
//	go run . -schema ../../provider/native/schema.json -language python -out ../../sdk/python
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"

	"github.com/blang/semver"
	javagen "github.com/pulumi/pulumi-java/pkg/codegen/java"
	gogen "github.com/pulumi/pulumi/pkg/v3/codegen/go"
	nodejsgen "github.com/pulumi/pulumi/pkg/v3/codegen/nodejs"
	pygen "github.com/pulumi/pulumi/pkg/v3/codegen/python"
	"github.com/pulumi/pulumi/pkg/v3/codegen/schema"
)

// The tool name the language hosts pass, which the generated files' headers quote.
const tool = "pulumi-language-%s"

// noDependencies is the schema loader: waapi's schema refers to no other package, so any lookup
// is a mistake in the schema and is reported as one.
type noDependencies struct{}

func (noDependencies) refuse(name string) error {
	return fmt.Errorf("the waapi schema refers to package %q; it must depend on no other package", name)
}

func (l noDependencies) LoadPackage(pkg string, _ *semver.Version) (*schema.Package, error) {
	return nil, l.refuse(pkg)
}

func (l noDependencies) LoadPackageV2(_ context.Context, d *schema.PackageDescriptor) (*schema.Package, error) {
	return nil, l.refuse(d.Name)
}

func (l noDependencies) LoadPackageReference(pkg string, _ *semver.Version) (schema.PackageReference, error) {
	return nil, l.refuse(pkg)
}

func (l noDependencies) LoadPackageReferenceV2(
	_ context.Context, d *schema.PackageDescriptor,
) (schema.PackageReference, error) {
	return nil, l.refuse(d.Name)
}

func generate(language string, pkg *schema.Package) (map[string][]byte, error) {
	switch language {
	case "python":
		return pygen.GeneratePackage(fmt.Sprintf(tool, language), pkg, nil, noDependencies{})
	case "go":
		// A Go module of its own (go.mod beside the package, module path = the import path's parent,
		// from the schema's importBasePath): what `go get <module>@<version>` needs. pkg/v3 writes the
		// go.mod only for a package that "supports packing".
		pkg.SupportPack = true
		return gogen.GeneratePackage(fmt.Sprintf(tool, language), pkg, nil)
	case "nodejs":
		return nodejsgen.GeneratePackage(fmt.Sprintf(tool, language), pkg, nil, nil, false, noDependencies{})
	case "java":
		// pulumi-java's generator (the Java language host's), with Gradle build files.
		return javagen.GeneratePackage(fmt.Sprintf(tool, language), pkg, nil, nil, false, false)
	default:
		return nil, fmt.Errorf("-language must be nodejs, python, go or java, not %q", language)
	}
}

// write replaces dir with exactly the generated files, as `pulumi package gen-sdk` does.
func write(dir string, files map[string][]byte) error {
	if err := os.RemoveAll(dir); err != nil {
		return err
	}
	names := make([]string, 0, len(files))
	for name := range files {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		path := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(path, files[name], 0o644); err != nil {
			return err
		}
	}
	return nil
}

func run() error {
	schemaPath := flag.String("schema", "", "the package schema (provider/native/schema.json)")
	language := flag.String("language", "", "nodejs, python, go or java")
	out := flag.String("out", "", "the folder to (re)write with the SDK")
	flag.Parse()
	if *schemaPath == "" || *language == "" || *out == "" {
		return errors.New("usage: gen-sdk -schema FILE -language nodejs|python|go|java -out DIR")
	}

	text, err := os.ReadFile(*schemaPath)
	if err != nil {
		return err
	}
	var spec schema.PackageSpec
	if err := json.Unmarshal(text, &spec); err != nil {
		return fmt.Errorf("%s: %w", *schemaPath, err)
	}
	// BindSpec validates the schema against Pulumi's metaschema, as the language hosts do.
	pkg, diags, err := schema.BindSpec(spec, noDependencies{}, schema.ValidationOptions{})
	if err != nil {
		return err
	}
	if diags.HasErrors() {
		return fmt.Errorf("%s: %w", *schemaPath, diags)
	}
	files, err := generate(*language, pkg)
	if err != nil {
		return err
	}
	return write(*out, files)
}

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "gen-sdk:", err)
		os.Exit(1)
	}
}
