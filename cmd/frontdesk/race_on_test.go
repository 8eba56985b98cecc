//go:build race

package main

// raceBuild: the race detector slows processes down; the kill tests kill
// fewer times.
const raceBuild = true
