package bot

import (
	"bytes"
	"encoding/json"
	"time"
)

// Config is the business's whole configuration: what `!export` sends and
// `!import` takes back. It is held in memory by the bot and saved whole,
// in one transaction, before any change is acknowledged.
type Config struct {
	// TimeZone is an IANA name; empty means the host's zone.
	TimeZone string `json:"time_zone"`
	// Lang is the language of owner-facing words and of {next_open} in
	// the main texts: one of Languages.
	Lang     string         `json:"lang"`
	Hours    Week           `json:"hours"`
	Holidays []Holiday      `json:"holidays"`
	Away     AwayConfig     `json:"away"`
	Greeting GreetingConfig `json:"greeting"`
	Keywords []Keyword      `json:"keywords"`
	// QuickReplies are kept in the order they were added.
	QuickReplies []QuickReply `json:"quick_replies"`
	Profile      Profile      `json:"profile"`
	// Admins are team members' phone numbers (digits).
	Admins []UserID `json:"admins"`
	// HolidayCountry is the country last imported with `!holiday import`,
	// for `!check`.
	HolidayCountry string `json:"holiday_country,omitempty"`
	Digest         bool   `json:"digest"`
}

// Week holds the open windows of each weekday, indexed by time.Weekday
// (0 = Sunday). HoursSet false means no hours were ever set: always open.
type Week struct {
	Set  bool        `json:"set"`
	Days [7][]Window `json:"days"`
}

// UnmarshalJSON reads a week and insists on exactly 7 days, Sunday
// first: a Go array would silently drop an eighth day or leave a missing
// Saturday closed. A missing or null "days" is a week with no hours.
func (w *Week) UnmarshalJSON(data []byte) error {
	var raw struct {
		Set  bool       `json:"set"`
		Days [][]Window `json:"days"`
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&raw); err != nil {
		return err
	}
	if raw.Days != nil && len(raw.Days) != 7 {
		return Problemf("hours.days: %d days given; give exactly 7, Sunday first ([] for a closed day)", len(raw.Days))
	}
	*w = Week{Set: raw.Set}
	copy(w.Days[:], raw.Days)
	return nil
}

// Window is an open window in minutes from midnight. End may be 1440
// (24:00). End <= Start means it crosses midnight into the next day.
type Window struct {
	Start int `json:"start"`
	End   int `json:"end"`
}

// Holiday closes the business on every date from From to To inclusive
// (dates as 2006-01-02 in the business's zone). Message, when set, replaces
// the away text during it.
type Holiday struct {
	From    string `json:"from"`
	To      string `json:"to"`
	Name    string `json:"name,omitempty"`
	Message string `json:"message,omitempty"`
}

// When values for away and greeting.
const (
	WhenAlways = "always"
	WhenOpen   = "open"
	WhenClosed = "closed"
)

// AwayConfig is the away message.
type AwayConfig struct {
	On   bool   `json:"on"`
	Text string `json:"text"`
	// When is WhenClosed (default) or WhenAlways.
	When string `json:"when"`
	// AfterMinutes of owner inactivity before it fires (5-60, default 15).
	AfterMinutes int     `json:"after_minutes"`
	Shifts       []Shift `json:"shifts"`
	// Variants are the text in other languages (see Variants).
	Variants Variants `json:"variants,omitempty"`
}

// GreetingConfig is the greeting for new (or long silent) customers.
type GreetingConfig struct {
	On   bool   `json:"on"`
	Text string `json:"text"`
	// When is WhenAlways (default), WhenOpen or WhenClosed.
	When string `json:"when"`
	// AfterDays of silence after which a customer is greeted again
	// (1-365, default 14).
	AfterDays int      `json:"after_days"`
	Shifts    []Shift  `json:"shifts"`
	Variants  Variants `json:"variants,omitempty"`
}

// Shift is a text variant used when a message arrives inside Window
// (business zone, any day).
type Shift struct {
	Window Window `json:"window"`
	Text   string `json:"text"`
}

// Keyword is a keyword answer: any of Phrases, as whole words, gets Text.
// ID is stable across deletions of other answers: it keys the once-an-hour
// memory per customer.
type Keyword struct {
	ID       int      `json:"id"`
	Phrases  []string `json:"phrases"`
	Text     string   `json:"text"`
	Variants Variants `json:"variants,omitempty"`
	// Media, when set, is sent with Text (or the customer's variant of
	// it) as its caption. The bytes are kept apart (MediaStore); an
	// export names them only.
	Media *MediaRef `json:"media,omitempty"`
}

// QuickReply is a text the owner sends by typing one of its Shortcuts
// ("/time", stored lower case with the slash). Private ones are never
// answered to customers.
type QuickReply struct {
	Shortcuts []string  `json:"shortcuts"`
	Text      string    `json:"text"`
	Private   bool      `json:"private"`
	Created   time.Time `json:"created"`
	Variants  Variants  `json:"variants,omitempty"`
	// Media, when set, is sent with Text (or the customer's variant of
	// it) as its caption (see Keyword).
	Media *MediaRef `json:"media,omitempty"`
}

// Variants are a customer text in other languages, by language code (one
// of Languages): a customer whose number's calling code speaks one of
// them gets that variant instead of the main text (NumberLanguage), with
// {next_open} and {hours} in that language.
type Variants map[string]string

// Profile holds the business details used by placeholders.
type Profile struct {
	Name    string `json:"name"`
	About   string `json:"about"`
	Website string `json:"website"`
	Booking string `json:"booking"`
	Catalog string `json:"catalog"`
	Phone   string `json:"phone"`
	Address string `json:"address"`
	// Location, when set, is the pin /where sends.
	Location *Location `json:"location,omitempty"`
}

// Defaults.
const (
	DefaultAwayAfter     = 15 // minutes
	DefaultGreetingAfter = 14 // days
)

// Limits.
const (
	MaxTextRunes   = 256
	MaxNameRunes   = 25
	MaxAboutRunes  = 140
	MinAwayAfter   = 5
	MaxAwayAfter   = 60
	MinGreetAfter  = 1
	MaxGreetAfter  = 365
	MaxPerMinute   = 20
	LateAfter      = 6 * time.Hour
	TakeoverWindow = 30 * time.Minute
	KeywordEvery   = time.Hour
)

// DefaultConfig is the configuration of a freshly linked bot.
func DefaultConfig() Config {
	return Config{
		Lang:     "en",
		Away:     AwayConfig{When: WhenClosed, AfterMinutes: DefaultAwayAfter},
		Greeting: GreetingConfig{When: WhenAlways, AfterDays: DefaultGreetingAfter},
	}
}

// KillSwitch is the emergency stop. Off means no automatic message goes out;
// Until, when set, is when a `!pause` ends by itself.
type KillSwitch struct {
	Off    bool      `json:"off"`
	Until  time.Time `json:"until"`
	Reason string    `json:"reason"`
}

// Active reports whether automatic messages are stopped at now.
func (k KillSwitch) Active(now time.Time) bool {
	return k.Off && (k.Until.IsZero() || now.Before(k.Until))
}
