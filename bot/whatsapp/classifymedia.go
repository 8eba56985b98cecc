package whatsapp

import (
	"context"

	"go.mau.fi/whatsmeow"
	"go.mau.fi/whatsmeow/proto/waE2E"

	"frontdesk/bot"
)

// mediaOf returns what media msg carries (photo, video, voice note or
// other audio, document, sticker) and the part of it whatsmeow downloads,
// or nil. It reads the message only.
func mediaOf(msg *waE2E.Message) (*bot.InboundMedia, whatsmeow.DownloadableMessage) {
	if msg == nil {
		return nil, nil
	}
	var (
		kind string
		dl   interface {
			whatsmeow.DownloadableMessage
			GetMimetype() string
			GetFileLength() uint64
		}
		name string
	)
	switch {
	case msg.GetImageMessage() != nil:
		kind, dl = "image", msg.GetImageMessage()
	case msg.GetVideoMessage() != nil:
		kind, dl = "video", msg.GetVideoMessage()
	case msg.GetPtvMessage() != nil:
		kind, dl = "video", msg.GetPtvMessage()
	case msg.GetAudioMessage() != nil:
		kind, dl = "audio", msg.GetAudioMessage()
	case msg.GetDocumentMessage() != nil:
		kind, dl = "document", msg.GetDocumentMessage()
		name = msg.GetDocumentMessage().GetFileName()
	case msg.GetDocumentWithCaptionMessage().GetMessage().GetDocumentMessage() != nil:
		d := msg.GetDocumentWithCaptionMessage().GetMessage().GetDocumentMessage()
		kind, dl, name = "document", d, d.GetFileName()
	case msg.GetStickerMessage() != nil:
		kind, dl = "sticker", msg.GetStickerMessage()
	default:
		return nil, nil
	}
	return &bot.InboundMedia{Kind: kind, Mime: dl.GetMimetype(), FileName: name, Size: int64(dl.GetFileLength())}, dl
}

// withFetch gives m's media a way to download its bytes through cli. The
// download runs only when the bot asks (an owner's command that keeps
// the file), on the bot's worker, never in whatsmeow's event callback.
func withFetch(m *bot.Message, msg *waE2E.Message, cli *whatsmeow.Client) {
	if m.Media == nil {
		return
	}
	_, dl := mediaOf(msg)
	if dl == nil || cli == nil {
		return
	}
	m.Media.Fetch = func(ctx context.Context) ([]byte, error) {
		return cli.Download(ctx, dl)
	}
}
