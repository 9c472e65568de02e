// Writes a Trivy vulnerability DB (schema 2) from YAML fixtures, the way Trivy's own integration tests build theirs
// (github.com/aquasecurity/bolt-fixtures), so trivy can scan for vulnerabilities where its published DB cannot be
// downloaded. Usage: trivy-fixture-db <cache-dir> <fixture.yaml>...; then trivy --cache-dir <cache-dir> --skip-db-update.
package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"time"

	fixtures "github.com/aquasecurity/bolt-fixtures"
)

// trivy-db's db.SchemaVersion, which trivy v0.74.0 requires.
const schemaVersion = 2

func main() {
	if len(os.Args) < 3 {
		fmt.Fprintln(os.Stderr, "usage: trivy-fixture-db <cache-dir> <fixture.yaml>...")
		os.Exit(2)
	}
	if err := write(os.Args[1], os.Args[2:]); err != nil {
		fmt.Fprintln(os.Stderr, "trivy-fixture-db:", err)
		os.Exit(1)
	}
}

func write(cacheDir string, files []string) error {
	dir := filepath.Join(cacheDir, "db")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	path := filepath.Join(dir, "trivy.db")
	_ = os.Remove(path)
	loader, err := fixtures.New(path, files)
	if err != nil {
		return err
	}
	if err := loader.Load(); err != nil {
		return err
	}
	if err := loader.Close(); err != nil {
		return err
	}
	now := time.Now().UTC()
	meta, _ := json.Marshal(map[string]any{
		"Version":      schemaVersion,
		"NextUpdate":   now.Add(24 * time.Hour),
		"UpdatedAt":    now,
		"DownloadedAt": now,
	})
	return os.WriteFile(filepath.Join(dir, "metadata.json"), meta, 0o644)
}
