// Package walinktest reads QR codes back for tests, with a decoder
// independent of the encoder that drew them, so a test does not trust the
// encoder's own idea of what it drew. Only tests import it.
package walinktest

import (
	"bytes"
	"fmt"
	"image"
	_ "image/png" // the codes are PNG images

	"github.com/makiuchi-d/gozxing"
	gozxingqr "github.com/makiuchi-d/gozxing/qrcode"
)

// DecodeQR returns the text of the QR code in png, and the image format.
func DecodeQR(png []byte) (text, format string, err error) {
	img, format, err := image.Decode(bytes.NewReader(png))
	if err != nil {
		return "", "", fmt.Errorf("decode image: %w", err)
	}
	bmp, err := gozxing.NewBinaryBitmapFromImage(img)
	if err != nil {
		return "", format, fmt.Errorf("binarise image: %w", err)
	}
	res, err := gozxingqr.NewQRCodeReader().Decode(bmp, nil)
	if err != nil {
		return "", format, fmt.Errorf("read QR code: %w", err)
	}
	return res.GetText(), format, nil
}
