package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"frontdesk/bot"
)

// mediaExt is the file extension of each kept media type.
var mediaExt = map[string]string{
	bot.MimeJPEG: ".jpg",
	bot.MimePNG:  ".png",
	bot.MimeWebP: ".webp",
	bot.MimePDF:  ".pdf",
}

// exportMedia writes every photo and document the configuration refers to
// into dir (created if missing) as SHA256.ext, the key the export document
// names it by, and lists on w which entries use each file.
func exportMedia(ctx context.Context, store bot.MediaStore, cfg bot.Config, dir string, w io.Writer) error {
	users := map[string][]string{}
	var order []string
	note := func(ref *bot.MediaRef, who string) {
		if ref == nil {
			return
		}
		if _, ok := users[ref.SHA256]; !ok {
			order = append(order, ref.SHA256)
		}
		users[ref.SHA256] = append(users[ref.SHA256], who)
	}
	for _, q := range cfg.QuickReplies {
		note(q.Media, strings.Join(q.Shortcuts, " "))
	}
	for i, k := range cfg.Keywords {
		note(k.Media, fmt.Sprintf("keyword answer %d (%s)", i+1, strings.Join(k.Phrases, ", ")))
	}
	if len(order) == 0 {
		fmt.Fprintln(w, "export: no quick reply or keyword answer carries a photo or document")
		return nil
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("export: media directory: %w", err)
	}
	for _, sum := range order {
		m, err := store.LoadMedia(ctx, sum)
		if err != nil {
			return fmt.Errorf("export: %w", err)
		}
		path := filepath.Join(dir, sum+mediaExt[m.Mime])
		if err := os.WriteFile(path, m.Data, 0o644); err != nil {
			return fmt.Errorf("export: write media: %w", err)
		}
		fmt.Fprintf(w, "export: wrote %s (%s) for %s\n", path, bot.FormatSize(m.Size), strings.Join(users[sum], "; "))
	}
	return nil
}
