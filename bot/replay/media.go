package replay

import (
	"context"

	"frontdesk/bot"
)

// The files a scenario's media lines stand for: small, fixed stand-ins
// whose first bytes are what they claim (the bot judges a file by them).
var (
	// ScenarioPhoto is what `image owner: ...` sends: a JPEG.
	ScenarioPhoto = append([]byte{0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10}, []byte("JFIF scenario photo")...)
	// ScenarioPDF is what `document owner: ...` sends, named menu.pdf.
	ScenarioPDF = []byte("%PDF-1.4\n% scenario document\n%%EOF\n")
	// scenarioOther stands for videos, voice notes and stickers: none of
	// them is a file the bot keeps.
	scenarioOther = []byte("\x00\x00\x00\x18ftypmp42 scenario media")
)

// inboundMedia is the media of a message line of kind ("" and the
// non-messages reaction and delete have none).
func inboundMedia(kind string) *bot.InboundMedia {
	var (
		data []byte
		in   = bot.InboundMedia{Kind: kind}
	)
	switch kind {
	case "image":
		data, in.Mime = ScenarioPhoto, bot.MimeJPEG
	case "document":
		data, in.Mime, in.FileName = ScenarioPDF, bot.MimePDF, "menu.pdf"
	case "video":
		data, in.Mime = scenarioOther, "video/mp4"
	case "voice":
		data, in.Mime, in.Kind = scenarioOther, "audio/ogg; codecs=opus", "audio"
	case "sticker":
		data, in.Mime = scenarioOther, bot.MimeWebP
	default:
		return nil
	}
	in.Size = int64(len(data))
	in.Fetch = func(ctx context.Context) ([]byte, error) { return data, ctx.Err() }
	return &in
}
