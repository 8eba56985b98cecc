package fakewa

import (
	"encoding/binary"
	"errors"

	"go.mau.fi/libsignal/ecc"
	"go.mau.fi/libsignal/keys/identity"
	"go.mau.fi/libsignal/keys/prekey"
	"go.mau.fi/libsignal/util/optional"

	waBinary "go.mau.fi/whatsmeow/binary"
)

// parseBundle reads a prekey bundle in the node layout of prekeys.go
// (registration, identity, optional key, skey).
func parseBundle(deviceID uint32, node waBinary.Node) (*prekey.Bundle, error) {
	reg := bytesOf(node.GetChildByTag("registration"))
	ident := bytesOf(node.GetChildByTag("identity"))
	skey := node.GetChildByTag("skey")
	skPub := bytesOf(skey.GetChildByTag("value"))
	skSig := bytesOf(skey.GetChildByTag("signature"))
	if len(reg) != 4 || len(ident) != 32 || len(skPub) != 32 || len(skSig) != 64 {
		return nil, errors.New("malformed prekey bundle")
	}
	identKey := identity.NewKey(ecc.NewDjbECPublicKey([32]byte(ident)))
	skID := keyID(bytesOf(skey.GetChildByTag("id")))
	key, hasKey := node.GetOptionalChildByTag("key")
	pkPub := bytesOf(key.GetChildByTag("value"))
	if !hasKey || len(pkPub) != 32 {
		return prekey.NewBundle(binary.BigEndian.Uint32(reg), deviceID, optional.NewEmptyUint32(), skID,
			nil, ecc.NewDjbECPublicKey([32]byte(skPub)), [64]byte(skSig), identKey), nil
	}
	return prekey.NewBundle(binary.BigEndian.Uint32(reg), deviceID,
		optional.NewOptionalUint32(keyID(bytesOf(key.GetChildByTag("id")))), skID,
		ecc.NewDjbECPublicKey([32]byte(pkPub)), ecc.NewDjbECPublicKey([32]byte(skPub)), [64]byte(skSig), identKey), nil
}
