package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/url"
	"os"
	"regexp"
	"strings"
	"testing"
)

// instruction is one Dockerfile instruction, continuation lines joined.
type instruction struct {
	line int
	cmd  string // upper case: FROM, RUN, ...
	args string
}

func readDockerfile(t *testing.T, path string) []instruction {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var out []instruction
	var cur strings.Builder
	start := 0
	for i, l := range strings.Split(string(b), "\n") {
		trim := strings.TrimSpace(l)
		if cur.Len() == 0 && (trim == "" || strings.HasPrefix(trim, "#")) {
			continue
		}
		if cur.Len() == 0 {
			start = i + 1
		}
		if strings.HasSuffix(trim, "\\") {
			cur.WriteString(strings.TrimSuffix(trim, "\\") + " ")
			continue
		}
		cur.WriteString(trim)
		cmd, args, _ := strings.Cut(cur.String(), " ")
		out = append(out, instruction{line: start, cmd: strings.ToUpper(cmd), args: strings.TrimSpace(args)})
		cur.Reset()
	}
	return out
}

// lintDockerfile returns the rules the Dockerfile breaks: multi-stage, the
// binary built static (CGO_ENABLED=0) in a named stage and copied from it,
// images pinned to a tag, no toolchain in the final image, a non-root
// USER, a HEALTHCHECK in exec form, an exec-form ENTRYPOINT, and no ADD
// (never of a URL: nothing fetched outside the build's own context).
func lintDockerfile(ins []instruction) (problems []string, healthcheck []string) {
	bad := func(format string, a ...any) { problems = append(problems, fmt.Sprintf(format, a...)) }
	var stages [][]instruction
	names := map[string]bool{}
	for _, in := range ins {
		if in.cmd == "FROM" {
			f := strings.Fields(in.args)
			image := f[0]
			if !strings.Contains(image, ":") || strings.HasSuffix(image, ":latest") {
				bad("line %d: FROM %s: pin the image to a tag", in.line, image)
			}
			if len(f) == 3 && strings.EqualFold(f[1], "AS") {
				names[f[2]] = true
			}
			stages = append(stages, nil)
		}
		if len(stages) == 0 {
			if in.cmd != "ARG" {
				bad("line %d: %s before the first FROM", in.line, in.cmd)
			}
			continue
		}
		stages[len(stages)-1] = append(stages[len(stages)-1], in)
		if in.cmd == "ADD" {
			bad("line %d: ADD %s: use COPY (ADD fetches URLs and unpacks archives)", in.line, in.args)
		}
	}
	if len(stages) < 2 {
		bad("not multi-stage: build in one stage, copy the binary into a small final one (%d stages)", len(stages))
		return problems, nil
	}
	static := false
	for _, st := range stages[:len(stages)-1] {
		for _, in := range st {
			if in.cmd == "RUN" && strings.Contains(in.args, "go build") && strings.Contains(in.args, "CGO_ENABLED=0") {
				static = true
			}
		}
	}
	if !static {
		bad("no RUN of `CGO_ENABLED=0 go build` in a build stage: the binary must be static for a distroless/scratch image")
	}
	final := stages[len(stages)-1]
	if from := strings.Fields(final[0].args)[0]; strings.HasPrefix(from, "golang:") {
		bad("the final image %s carries the Go toolchain", from)
	}
	var user, entry string
	copied := false
	for _, in := range final {
		switch in.cmd {
		case "USER":
			user = in.args
		case "ENTRYPOINT":
			entry = in.args
		case "COPY":
			if m := regexp.MustCompile(`--from=(\S+)`).FindStringSubmatch(in.args); m != nil && names[m[1]] {
				copied = true
			}
		case "HEALTHCHECK":
			_, cmd, ok := strings.Cut(in.args, "CMD ")
			if !ok || json.Unmarshal([]byte(cmd), &healthcheck) != nil {
				bad("line %d: HEALTHCHECK %s: want CMD in exec form, [\"/saddle\", \"healthcheck\"] (the image has no shell or curl)", in.line, in.args)
			}
		}
	}
	if !copied {
		bad("the final stage copies nothing --from a named build stage")
	}
	if u, _, _ := strings.Cut(user, ":"); user == "" || u == "root" || u == "0" {
		bad("the final stage runs as root (USER %q): set a non-root USER, e.g. 65532:65532", user)
	}
	if healthcheck == nil && !slicesHasCmd(final, "HEALTHCHECK") {
		bad("no HEALTHCHECK in the final stage")
	}
	var e []string
	if json.Unmarshal([]byte(entry), &e) != nil || len(e) == 0 {
		bad("ENTRYPOINT %q: want exec form, [\"/saddle\"], so that SIGTERM reaches the server", entry)
	}
	return problems, healthcheck
}

func slicesHasCmd(ins []instruction, cmd string) bool {
	for _, in := range ins {
		if in.cmd == cmd {
			return true
		}
	}
	return false
}

// TestDockerfile lints the repository's Dockerfile (no engine needed),
// and runs its HEALTHCHECK command, as the image would, against a live
// server and against a port nothing listens on.
func TestDockerfile(t *testing.T) {
	problems, hc := lintDockerfile(readDockerfile(t, "../../Dockerfile"))
	for _, p := range problems {
		t.Error("Dockerfile: " + p)
	}
	if len(hc) < 2 || hc[1] != "healthcheck" {
		t.Fatalf("HEALTHCHECK runs %q, want the binary's healthcheck subcommand", hc)
	}
	srv, _ := start(t, []string{"-addr", "127.0.0.1:0", "-allowed-hosts", "saddle.example.org"}, env(nil))
	u, err := url.Parse(srv)
	if err != nil {
		t.Fatal(err)
	}
	// The image sets SADDLE_ADDR; -allowed-hosts is the operator's.
	e := env(map[string]string{"SADDLE_ADDR": ":" + u.Port(), "SADDLE_ALLOWED_HOSTS": "saddle.example.org"})
	var out bytes.Buffer
	if err := run(context.Background(), hc[1:], e, &out); err != nil {
		t.Errorf("%q against a live server: %v", hc, err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	_, closed, _ := net.SplitHostPort(ln.Addr().String())
	ln.Close()
	if err := run(context.Background(), hc[1:], env(map[string]string{"SADDLE_ADDR": ":" + closed}), &out); err == nil {
		t.Errorf("%q against a closed port succeeded", hc)
	}
	// Without the allowed host the server answers 421, and the check fails.
	if err := run(context.Background(), hc[1:], env(map[string]string{"SADDLE_ADDR": ":" + u.Port()}), &out); err == nil || !strings.Contains(err.Error(), "421") {
		t.Errorf("%q with a Host the server refuses: %v, want a failure naming 421", hc, err)
	}
}

// TestDockerfileLintCatches: the linter flags each rule broken.
func TestDockerfileLintCatches(t *testing.T) {
	good := "FROM golang:1.26 AS build\nRUN CGO_ENABLED=0 go build -o /s .\nFROM scratch:x\nCOPY --from=build /s /s\nUSER 1000\n" +
		"HEALTHCHECK CMD [\"/s\", \"healthcheck\"]\nENTRYPOINT [\"/s\"]\n"
	parse := func(s string) []instruction {
		p := t.TempDir() + "/Dockerfile"
		if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
		return readDockerfile(t, p)
	}
	if p, _ := lintDockerfile(parse(good)); len(p) != 0 {
		t.Fatalf("a good Dockerfile: %q", p)
	}
	for _, tc := range []struct{ from, to, want string }{
		{"FROM scratch:x\n", "", "multi-stage"},
		{"USER 1000", "USER root", "root"},
		{"USER 1000\n", "", "root"},
		{"HEALTHCHECK CMD [\"/s\", \"healthcheck\"]\n", "", "HEALTHCHECK"},
		{"HEALTHCHECK CMD [\"/s\", \"healthcheck\"]", "HEALTHCHECK CMD curl -f http://localhost/healthz", "exec form"},
		{"COPY --from=build /s /s", "ADD https://example.org/s /s", "ADD"},
		{"CGO_ENABLED=0 ", "", "static"},
		{"golang:1.26", "golang", "pin"},
		{"FROM scratch:x", "FROM golang:1.26", "toolchain"},
		{"ENTRYPOINT [\"/s\"]", "ENTRYPOINT /s", "exec form"},
	} {
		p, _ := lintDockerfile(parse(strings.Replace(good, tc.from, tc.to, 1)))
		if !strings.Contains(strings.Join(p, "\n"), tc.want) {
			t.Errorf("%q -> %q: problems %q, want one about %q", tc.from, tc.to, p, tc.want)
		}
	}
}
