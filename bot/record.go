package bot

import "context"

// An owner's command, or a shortcut expansion, must take effect exactly
// once even when a crash interrupts it and WhatsApp delivers the message
// again. So such a message is not recorded before it runs (a crash would
// then drop the redelivery as a duplicate) but together with its effect:
// the first save the command makes (configuration or kill switch) records
// the message in the same transaction. A command that saves nothing is
// recorded when it is done; interrupted before that, it runs again on
// redelivery, which repeats no change.

// commandRecord is the command message being run, the chat its answers go
// to, and whether a save has recorded it yet. Once it has, the command's
// answers are kept with it until they have gone out (Bot.Say), so a crash
// in between does not lose them: the redelivered command gets them.
type commandRecord struct {
	in   Inbound
	chat UserID
	done bool
	// unsent is set when an answer could not be sent after the change was
	// saved: the message is then left unacknowledged, and its redelivery
	// gets the kept answer.
	unsent bool
}

type commandRecordKey struct{}

func withCommandRecord(ctx context.Context, r *commandRecord) context.Context {
	return context.WithValue(ctx, commandRecordKey{}, r)
}

// pendingRecord is the command message a save made under ctx must record,
// or nil (no command, or already recorded).
func pendingRecord(ctx context.Context) *commandRecord {
	r, _ := ctx.Value(commandRecordKey{}).(*commandRecord)
	if r == nil || r.done {
		return nil
	}
	return r
}

// inbound is what to hand the Store with a save: nil when nothing is to be
// recorded.
func (r *commandRecord) inbound() *Inbound {
	if r == nil {
		return nil
	}
	return &r.in
}

// saved notes that the save recorded the message.
func (r *commandRecord) saved() {
	if r != nil {
		r.done = true
	}
}

// answering is the command message under ctx whose change is saved and
// whose answer is being written, or nil.
func answering(ctx context.Context) *commandRecord {
	r, _ := ctx.Value(commandRecordKey{}).(*commandRecord)
	if r == nil || !r.done {
		return nil
	}
	return r
}
