package bot

import (
	"context"
	"fmt"
	"time"
)

// canonical returns the identity a person is keyed by (the phone number
// when known, else the LID) and their other identity when known. It learns
// LID/phone pairs as they show up. When the store cannot say whose a LID
// is, it returns the error: keyed by the LID, an old customer would be
// greeted as new, and a team member answered as a customer; so too when
// a pair cannot be saved.
func (b *Bot) canonical(ctx context.Context, m Message) (id, alias UserID, err error) {
	if !m.Chat.IsLID() {
		if m.ChatAlt.IsLID() {
			if err := b.learnIdentity(ctx, m.ChatAlt, m.Chat); err != nil {
				return "", "", err
			}
		}
		return m.Chat, m.ChatAlt, nil
	}
	if m.ChatAlt != "" && !m.ChatAlt.IsLID() {
		if err := b.learnIdentity(ctx, m.Chat, m.ChatAlt); err != nil {
			return "", "", err
		}
		return m.ChatAlt, m.Chat, nil
	}
	pn, err := b.opts.Store.PhoneForLID(ctx, m.Chat)
	if err != nil {
		return "", "", fmt.Errorf("look up phone number for LID %s: %w", m.Chat, err)
	}
	if pn == "" {
		if pn, err = b.adminForLID(ctx, m.Chat); err != nil {
			return "", "", err
		}
	}
	if pn != "" {
		return pn, m.Chat, nil
	}
	return m.Chat, "", nil
}

// adminAskEvery limits how often the Directory is asked about admins whose
// LID is unknown.
const adminAskEvery = 10 * time.Minute

// adminForLID returns the admin whose LID lid is, asking the Directory
// about admins whose LID is not known yet; "" when lid is nobody's. An
// admin must never be mistaken for a customer because WhatsApp addressed
// them by a LID before the mapping was learned: when the store cannot say
// which admins' LIDs it knows, it returns the error.
func (b *Bot) adminForLID(ctx context.Context, lid UserID) (UserID, error) {
	if b.opts.Directory == nil {
		return "", nil
	}
	now := b.Now()
	b.mu.Lock()
	var ask []UserID
	for _, a := range b.cfg.Admins {
		if at, ok := b.adminLIDAsked[a]; !ok || now.Sub(at) >= adminAskEvery {
			ask = append(ask, a)
		}
	}
	b.mu.Unlock()
	var unknown []UserID
	for _, a := range ask {
		l, err := b.opts.Store.LIDForPhone(ctx, a)
		if err != nil {
			return "", fmt.Errorf("look up the LID of admin %s: %w", a, err)
		}
		if l == "" {
			unknown = append(unknown, a)
		}
	}
	if len(unknown) == 0 {
		return "", nil
	}
	found, err := b.opts.Directory.LIDsOf(ctx, unknown)
	if err != nil {
		b.log.Warn("look up admins' LIDs", "err", err)
		return "", nil
	}
	b.mu.Lock()
	for _, a := range unknown {
		b.adminLIDAsked[a] = now
	}
	b.mu.Unlock()
	var match UserID
	for pn, l := range found {
		if l == "" || !l.IsLID() {
			continue
		}
		if err := b.learnIdentity(ctx, l, pn); err != nil {
			return "", err
		}
		if l == lid {
			match = pn
		}
	}
	return match, nil
}

// learnIdentity saves that lid and pn are one person, unless known. Like
// every change a message brings, it is saved before the message is
// acknowledged: a failure is returned, and the redelivery learns it again.
func (b *Bot) learnIdentity(ctx context.Context, lid, pn UserID) error {
	known, err := b.opts.Store.PhoneForLID(ctx, lid)
	if err == nil && known == pn {
		return nil
	}
	if err := b.opts.Store.LinkIdentity(ctx, lid, pn); err != nil {
		return fmt.Errorf("remember that %s is %s: %w", lid, pn, err)
	}
	return nil
}

func (b *Bot) isAdmin(id UserID) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, a := range b.cfg.Admins {
		if a == id {
			return true
		}
	}
	return false
}

// knownByAlias treats a customer who is new under one identity as known
// when the other identity was seen before (in the history at linking, or
// writing by LID before the phone number was known): old customers are
// never greeted as new because WhatsApp changed how it addresses them.
// When the other identity cannot be looked up it returns the error: the
// message then waits for its redelivery rather than greet someone who may
// be an old customer.
func (b *Bot) knownByAlias(ctx context.Context, cust *Customer, m Message) error {
	alias := m.ChatAlt
	if alias == "" || alias == cust.ID {
		alias = m.Chat
	}
	if alias == cust.ID && !cust.ID.IsLID() {
		lid, err := b.opts.Store.LIDForPhone(ctx, cust.ID)
		if err != nil {
			return fmt.Errorf("look up LID for phone number: %w", err)
		}
		alias = lid
	}
	if alias == "" || alias == cust.ID {
		return nil
	}
	other, err := b.opts.Store.Customer(ctx, alias)
	if err != nil {
		return fmt.Errorf("load customer by other identity: %w", err)
	}
	if other.Known || !other.LastInbound.IsZero() {
		cust.Known = true
		cust.LastInbound = other.LastInbound
		cust.AwayPeriod = other.AwayPeriod
	}
	return nil
}
