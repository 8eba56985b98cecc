package commands

import (
	"errors"
	"fmt"

	"frontdesk/bot"
)

// Media in commands: the owner sends a photo or PDF to the self chat with
// a command as its caption ("!qr add /menu Our menu", "!kw add menu =
// Here is our menu"); the bot keeps the file and the quick reply or
// keyword answer refers to it.

// keepMedia keeps the photo or document the command came with; nil when it
// came with none. A file the bot does not keep (too big, not a photo or
// PDF) is refused with the reason, before anything changes.
func keepMedia(c *Call) (*bot.MediaRef, error) {
	if c.Media == nil {
		return nil, nil
	}
	ref, err := c.Bot.KeepMedia(c.ctx, c.Media)
	var p *bot.Problem
	if errors.As(err, &p) {
		return nil, c.Userf("The %s was not kept: %s. Nothing was changed.", c.mediaWord(c.Media.Kind), p.In(c.Lang()))
	}
	if err != nil {
		return nil, fmt.Errorf("keep media: %w", err)
	}
	return &ref, nil
}

// mediaWord names an inbound media kind for the owner.
func (c *Call) mediaWord(kind string) string {
	switch kind {
	case "image":
		return c.T("photo")
	case "document":
		return c.T("document")
	case "video":
		return c.T("video")
	case "audio":
		return c.T("voice note")
	case "sticker":
		return c.T("sticker")
	}
	return c.T("file")
}

// mediaLabel names kept media: "photo" or "document prices.pdf".
func (c *Call) mediaLabel(ref *bot.MediaRef) string {
	if ref.IsImage() {
		return c.T("photo")
	}
	return c.T("document") + " " + ref.FileName
}

// mediaNote describes media kept with a quick reply or keyword answer,
// for lists and answers: " [photo]", " [document prices.pdf]".
func (c *Call) mediaNote(ref *bot.MediaRef) string {
	if ref == nil {
		return ""
	}
	return " [" + c.mediaLabel(ref) + ", " + bot.FormatSize(ref.Size) + "]"
}

// showWithMedia answers with text, and with the media as a photo or
// document whose caption is text when there is media.
func showWithMedia(c *Call, ref *bot.MediaRef, text string) error {
	if ref == nil {
		return c.Reply(text)
	}
	if err := c.Bot.SayMedia(c.ctx, c.Chat, *ref, text); err != nil {
		if errors.Is(err, bot.ErrNoMedia) {
			return c.Reply(text + "\n" + c.T("(its file is missing: send it again with the command)"))
		}
		return fmt.Errorf("show media: %w", err)
	}
	return nil
}
