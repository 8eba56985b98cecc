package bot

import "strings"

// UserID names a WhatsApp user in the form the core works with: a phone
// number as digits only ("393331234567"), or a hidden id as "lid:" followed
// by digits ("lid:98765432109876"). WhatsApp may address the same person
// either way; the Store keeps the mapping between the two.
type UserID string

const lidPrefix = "lid:"

// PhoneID returns the UserID for a phone number written in any common way
// ("+39 333 123-4567"): everything but digits is dropped.
func PhoneID(number string) UserID { return UserID(digitsOnly(number)) }

// LIDID returns the UserID for a hidden id given as digits.
func LIDID(digits string) UserID { return UserID(lidPrefix + digitsOnly(digits)) }

// ParseUserID accepts "lid:DIGITS" or a phone number in any common writing.
// It returns "" when there are no digits.
func ParseUserID(s string) UserID {
	s = strings.TrimSpace(s)
	if rest, ok := strings.CutPrefix(strings.ToLower(s), lidPrefix); ok {
		if d := digitsOnly(rest); d != "" {
			return LIDID(d)
		}
		return ""
	}
	return PhoneID(s)
}

// IsLID reports whether u is a hidden id rather than a phone number.
func (u UserID) IsLID() bool { return strings.HasPrefix(string(u), lidPrefix) }

// Digits returns the number without the "lid:" prefix.
func (u UserID) Digits() string { return strings.TrimPrefix(string(u), lidPrefix) }

// String renders a phone number as "+DIGITS" and a hidden id as "lid:DIGITS".
func (u UserID) String() string {
	if u == "" || u.IsLID() {
		return string(u)
	}
	return "+" + string(u)
}

func digitsOnly(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r >= '0' && r <= '9' {
			b.WriteRune(r)
		}
	}
	return b.String()
}
