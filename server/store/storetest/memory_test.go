package storetest_test

import (
	"testing"

	"github.com/authspec/authspec/server/store"
	"github.com/authspec/authspec/server/store/memory"
	"github.com/authspec/authspec/server/store/storetest"
)

func TestMemoryStore(t *testing.T) {
	storetest.Run(t, func(*testing.T) store.Store { return memory.New() })
}
