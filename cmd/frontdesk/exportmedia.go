package main

import (
	"context"
	"errors"
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

// importMedia makes sure every photo and document cfg refers to is kept:
// from dir (files named SHA256.ext, as exportMedia writes them) when it is
// given, else already in the database. Files are checked as the owner's
// are (type by first bytes, size) and must hash to their name. Media kept
// but not referred to yet is harmless: housekeeping prunes it.
func importMedia(ctx context.Context, store bot.MediaStore, cfg bot.Config, dir string) error {
	var refs []*bot.MediaRef
	for _, q := range cfg.QuickReplies {
		if q.Media != nil {
			refs = append(refs, q.Media)
		}
	}
	for _, k := range cfg.Keywords {
		if k.Media != nil {
			refs = append(refs, k.Media)
		}
	}
	var missing []string
	for _, ref := range refs {
		if _, err := store.LoadMedia(ctx, ref.SHA256); err == nil {
			continue
		} else if !errors.Is(err, bot.ErrNoMedia) {
			return err
		}
		if dir == "" {
			missing = append(missing, ref.SHA256)
			continue
		}
		path := filepath.Join(dir, ref.SHA256+mediaExt[ref.Mime])
		data, err := os.ReadFile(path)
		if err != nil {
			return fmt.Errorf("media %s: %w", ref.SHA256, err)
		}
		m, err := bot.NewMedia(data, ref.FileName)
		if err != nil {
			return fmt.Errorf("media %s: %w", path, err)
		}
		if m.SHA256 != ref.SHA256 {
			return fmt.Errorf("media %s: its bytes hash to %s, not to its name", path, m.SHA256)
		}
		if err := store.SaveMedia(ctx, m); err != nil {
			return err
		}
	}
	if len(missing) > 0 {
		return fmt.Errorf("the photos or documents %s are not kept in this database: give the directory `frontdesk export --media DIR` wrote with --media DIR", strings.Join(missing, ", "))
	}
	return nil
}
