package porttest_test

import (
	"testing"

	"frontdesk/bot/porttest"
)

func TestFakeMessengerKeepsTheContract(t *testing.T) {
	porttest.RunMessenger(t, func(t *testing.T) porttest.MessengerHarness {
		return (&porttest.Messenger{}).Harness("393331234567")
	})
}
