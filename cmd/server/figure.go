package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/saddle-viz/saddle/internal/figure"
	"github.com/saddle-viz/saddle/internal/strictjson"
)

// figureCmd is `saddle figure`: write the self-contained HTML file of a
// lesson or scene (GET /api/figure's, byte for byte for the same request
// and -live) without a server, for a course site's build step.
func figureCmd(ctx context.Context, args []string, out io.Writer) error {
	fs := flag.NewFlagSet("saddle figure", flag.ContinueOnError)
	fs.SetOutput(out)
	lesson := fs.String("lesson", "", "the lesson to replay (GET /api/lessons lists them), e.g. cliffs")
	sceneFile := fs.String("scene", "", "a JSON file holding the figure request, as GET /api/figure's scene (docs/API.md); \"-\" reads stdin")
	steps := fs.Int("steps", -1, "how far the runs go (default: the lesson's, else 200)")
	live := fs.String("live", "http://localhost:8080", "the live server's address with its base path, for the figure's link to the live version")
	output := fs.String("o", "", "the file to write (default: stdout)")
	fs.Usage = func() {
		fmt.Fprintf(out, "Usage: saddle figure (-lesson id | -scene file.json) [-steps N] [-live URL] [-o figure.html]\n\n"+
			"Writes one HTML file that replays the scene with no server and no network.\n\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("figure: unexpected arguments %q", fs.Args())
	}
	var req figure.Request
	if *sceneFile != "" {
		var b []byte
		var err error
		if *sceneFile == "-" {
			b, err = io.ReadAll(os.Stdin)
		} else {
			b, err = os.ReadFile(*sceneFile)
		}
		if err != nil {
			return fmt.Errorf("figure: -scene: %v", err)
		}
		if err := strictjson.Decode(b, &req); err != nil {
			return fmt.Errorf("figure: -scene %s: %v", *sceneFile, err)
		}
	}
	if *lesson != "" {
		req.Lesson = *lesson
	}
	if req.Lesson == "" && req.Objective == nil {
		return errors.New("figure: give -lesson or -scene (saddle figure -h)")
	}
	if *steps >= 0 {
		req.Steps = steps
	}
	p, err := figure.Prepare(req, figure.Options{Origin: *live})
	if err != nil {
		return fmt.Errorf("figure: %v", err)
	}
	b, err := figure.Build(ctx, p, figure.Options{Origin: *live})
	if err != nil {
		return fmt.Errorf("figure: %v", err)
	}
	if *output == "" {
		_, err = out.Write(b)
		return err
	}
	if err := os.WriteFile(*output, b, 0o644); err != nil {
		return fmt.Errorf("figure: %v", err)
	}
	return nil
}
