package main

import (
	"testing"

	"github.com/letdownbot/letdown/adapters/redisstore/redistest"
)

// TestMain stops the redis-server redistest may have started for the tests.
func TestMain(m *testing.M) { redistest.Main(m) }
