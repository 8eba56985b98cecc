package whatsapp

import (
	"context"
	"errors"
	"fmt"

	"go.mau.fi/whatsmeow"
	"go.mau.fi/whatsmeow/proto/waE2E"
	"go.mau.fi/whatsmeow/types"
	"google.golang.org/protobuf/proto"

	"frontdesk/bot"
)

// SendMedia uploads a kept photo or document and sends it with a caption,
// under id when it is not empty. A resend after a crash uploads again
// (the upload is not a message: nobody sees it) and sends under the same
// id, which the customer's phone shows once.
func (a *Adapter) SendMedia(ctx context.Context, to bot.UserID, m bot.Media, caption, id string) (string, error) {
	jid, err := JID(to)
	if err != nil {
		return "", fmt.Errorf("send media: %w", err)
	}
	got, err := bot.NewMedia(m.Data, m.FileName)
	if err != nil {
		return "", fmt.Errorf("send media: %w", err)
	}
	if got.SHA256 != m.SHA256 || got.Mime != m.Mime {
		return "", fmt.Errorf("send media %s: the bytes are not what the reference names", m.SHA256)
	}
	cli, err := a.ready(ctx)
	if err != nil {
		return "", fmt.Errorf("send media to %s: %w", to, err)
	}
	kind := whatsmeow.MediaDocument
	if m.IsImage() {
		kind = whatsmeow.MediaImage
	}
	up, err := cli.Upload(ctx, m.Data, kind)
	if err != nil {
		return "", fmt.Errorf("upload media: %w", mapUploadError(err))
	}
	msg := &waE2E.Message{}
	if m.IsImage() {
		msg.ImageMessage = imageMessage(up, m.Mime, caption)
	} else {
		msg.DocumentMessage = &waE2E.DocumentMessage{
			URL:           proto.String(up.URL),
			DirectPath:    proto.String(up.DirectPath),
			MediaKey:      up.MediaKey,
			FileEncSHA256: up.FileEncSHA256,
			FileSHA256:    up.FileSHA256,
			FileLength:    proto.Uint64(up.FileLength),
			Mimetype:      proto.String(m.Mime),
			FileName:      proto.String(m.FileName),
			Title:         proto.String(m.FileName),
			Caption:       proto.String(caption),
		}
	}
	resp, err := cli.SendMessage(ctx, jid, msg, whatsmeow.SendRequestExtra{ID: id})
	if err != nil {
		return "", fmt.Errorf("send media to %s: %w", to, mapSendError(err))
	}
	return resp.ID, nil
}

// SendLocation sends a location pin with its name, address and comment,
// under id when it is not empty.
func (a *Adapter) SendLocation(ctx context.Context, to bot.UserID, pin bot.Pin, id string) (string, error) {
	jid, err := JID(to)
	if err != nil {
		return "", fmt.Errorf("send location: %w", err)
	}
	if err := bot.ValidLocation(pin.Location); err != nil {
		return "", fmt.Errorf("send location: %w", err)
	}
	cli, err := a.ready(ctx)
	if err != nil {
		return "", fmt.Errorf("send location to %s: %w", to, err)
	}
	loc := &waE2E.LocationMessage{
		DegreesLatitude:  proto.Float64(pin.Lat),
		DegreesLongitude: proto.Float64(pin.Long),
	}
	if pin.Name != "" {
		loc.Name = proto.String(pin.Name)
	}
	if pin.Address != "" {
		loc.Address = proto.String(pin.Address)
	}
	if pin.Comment != "" {
		loc.Comment = proto.String(pin.Comment)
	}
	resp, err := cli.SendMessage(ctx, jid, &waE2E.Message{LocationMessage: loc}, whatsmeow.SendRequestExtra{ID: id})
	if err != nil {
		return "", fmt.Errorf("send location to %s: %w", to, mapSendError(err))
	}
	return resp.ID, nil
}

// Revoke deletes message id in chat for everyone: a message of the own
// account (the owner's, typed on the phone), which a companion device may
// revoke. chat must be the chat as the message was addressed.
func (a *Adapter) Revoke(ctx context.Context, chat bot.UserID, id string) error {
	jid, err := JID(chat)
	if err != nil {
		return fmt.Errorf("delete message: %w", err)
	}
	if id == "" {
		return errors.New("delete message: no message id")
	}
	cli, err := a.ready(ctx)
	if err != nil {
		return fmt.Errorf("delete message %s in %s: %w", id, chat, err)
	}
	if _, err := cli.SendMessage(ctx, jid, cli.BuildRevoke(jid, types.EmptyJID, id)); err != nil {
		return fmt.Errorf("delete message %s in %s: %w", id, chat, mapSendError(err))
	}
	return nil
}

// imageMessage is an uploaded image, of type mime, with its caption.
func imageMessage(up whatsmeow.UploadResponse, mime, caption string) *waE2E.ImageMessage {
	return &waE2E.ImageMessage{
		URL:           proto.String(up.URL),
		DirectPath:    proto.String(up.DirectPath),
		MediaKey:      up.MediaKey,
		FileEncSHA256: up.FileEncSHA256,
		FileSHA256:    up.FileSHA256,
		FileLength:    proto.Uint64(up.FileLength),
		Mimetype:      proto.String(mime),
		Caption:       proto.String(caption),
	}
}
